import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { JSON_BODY_MAX_BYTES, JsonBodyError, readJsonBody } from './json-body';

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://localhost/x', { method: 'POST', body, headers });

async function refusal(p: Promise<unknown>): Promise<JsonBodyError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JsonBodyError);
  return e as JsonBodyError;
}

describe('readJsonBody', () => {
  it('gives the parsed body and its text', async () => {
    expect(await readJsonBody(post('{"a": [1, "b"]}'))).toEqual({ json: { a: [1, 'b'] }, text: '{"a": [1, "b"]}' });
    expect((await readJsonBody(post('null', { 'content-type': 'Application/JSON; charset=utf-8' }))).json).toBeNull();
  });

  it.each([
    ['no content type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    // A cross-site page may send this without a preflight; it only mentions application/json.
    ['a parameter naming JSON', { 'content-type': 'text/plain; x=application/json' }],
    ['a longer type', { 'content-type': 'application/jsonx' }],
  ])('refuses %s as 415', async (_label, headers) => {
    const e = await refusal(readJsonBody(post('{}', headers)));
    expect([e.fault, e.status, e.message]).toEqual(['media_type', 415, 'Send the body as application/json.']);
    expect(e).toBeInstanceOf(AppError);
  });

  it('takes the media types a caller accepts', async () => {
    const scim = { types: ['application/scim+json', 'application/json'] };
    expect((await readJsonBody(post('{}', { 'content-type': 'application/scim+json' }), scim)).json).toEqual({});
    const e = await refusal(readJsonBody(post('{}', { 'content-type': 'text/json' }), scim));
    expect(e.message).toBe('Send the body as application/scim+json (or application/json).');
  });

  it('refuses a body over the limit in UTF-8 bytes, read or declared, as 413', async () => {
    const fits = `"${'x'.repeat(JSON_BODY_MAX_BYTES - 2)}"`;
    expect((await readJsonBody(post(fits))).text).toHaveLength(JSON_BODY_MAX_BYTES);
    const over = await refusal(readJsonBody(post(`"${'x'.repeat(JSON_BODY_MAX_BYTES - 1)}"`)));
    expect([over.fault, over.status, over.message]).toEqual(['too_large', 413, `The body is larger than ${JSON_BODY_MAX_BYTES} bytes.`]);
    // 7 characters, 12 bytes.
    expect((await refusal(readJsonBody(post('"ééééé"'), { maxBytes: 11 }))).fault).toBe('too_large');
    const declared = {
      headers: new Headers({ 'content-type': 'application/json', 'content-length': '12' }),
      text: () => Promise.reject(new Error('read')),
    };
    expect((await refusal(readJsonBody(declared, { maxBytes: 11 }))).fault).toBe('too_large');
  });

  it.each(['', '{"a": ', "{'a': 1}", '{"a": 1} x'])('refuses %j as invalid JSON (400)', async (body) => {
    const e = await refusal(readJsonBody(post(body)));
    expect([e.fault, e.status, e.code, e.message]).toEqual(['syntax', 400, 'invalid_request', 'The body is not valid JSON.']);
  });

  it('refuses text Postgres cannot store, naming where it is (422)', async () => {
    const e = await refusal(readJsonBody(post('{"values": {"note": "a\\u0000b"}}')));
    expect([e.fault, e.status]).toEqual(['unstorable', 422]);
    expect(e.message).toMatch(/^values\.note contains a NUL character/);
    expect((await refusal(readJsonBody(post('["\\ud800"]')))).fault).toBe('unstorable');
  });
});
