// Validates real API responses against the served OpenAPI document, so the two cannot drift.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';

export class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  private constructor(readonly doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'doc');
  }

  static async load(request: APIRequestContext): Promise<Contract> {
    const res = await request.get('/api/v1/openapi.json');
    expect(res.status()).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    return new Contract(doc);
  }

  /** Asserts the status, then that the body matches the document for (method, path template, status). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the body's shape is checked at run time, against the document
  async check(res: APIResponse, method: string, template: string, status: number): Promise<any> {
    const text = await res.text();
    expect(res.status(), `${method} ${template}: ${text.slice(0, 400)}`).toBe(status);
    expect(res.headers()['x-request-id']).toBeTruthy();
    const op = this.doc.paths[template]?.[method.toLowerCase()];
    expect(op, `${method} ${template} is documented`).toBeDefined();
    if (status === 204) return null;
    const documented = op!.responses[String(status)] ? String(status) : 'default';
    const media = documented === 'default' ? 'application/problem+json' : 'application/json';
    expect(res.headers()['content-type']).toContain(media);
    const pointer = `doc#/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${documented}/content/${media.replace('/', '~1')}/schema`;
    const validate = this.ajv.compile({ $ref: pointer });
    const body = JSON.parse(text);
    expect(validate(body), `${method} ${template} ${status} matches the document: ${this.ajv.errorsText(validate.errors)}`).toBe(true);
    return body;
  }
}
