// The OpenAPI 3.1 document, generated from the operations' zod schemas — the same schemas that
// validate requests and shape responses, so the description cannot drift from the behaviour.
import { z } from 'zod';
import { API_SCOPES } from '@/lib/api-tokens/scopes';
import type { ApiOperation } from './operation';
import { operations } from './operations';
import { PROBLEM_CODES, problemType } from './problem';

type JsonSchema = Record<string, unknown>;

const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'requestId'],
  properties: {
    type: { type: 'string', enum: PROBLEM_CODES.map(problemType) },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: 'Problems by field' },
  },
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const raw = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  const json = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  for (const [id, def] of Object.entries(defs)) components[id] = def;
  delete json.$defs;
  delete json.$schema;
  const id = (json as { id?: string }).id;
  if (id) {
    delete (json as { id?: string }).id;
    components[id] = json;
    return { $ref: `#/components/schemas/${id}` };
  }
  return json;
}

function parameters(op: ApiOperation, components: Record<string, JsonSchema>) {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', op.params],
    ['query', op.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = prop as { description?: string };
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  return out;
}

export function buildOpenApi(origin = ''): JsonSchema {
  const components: Record<string, JsonSchema> = { Problem: problemSchema };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const status = String(op.status ?? 200);
    const responses: Record<string, JsonSchema> = {
      [status]:
        status === '204'
          ? { description: 'Done' }
          : { description: 'OK', content: { 'application/json': { schema: schemaOf(op.response, 'output', components) } } },
      default: {
        description: 'A problem (RFC 9457)',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    };
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: op.id,
      summary: op.summary,
      tags: [op.tag],
      security: [{ bearer: op.scope ? [op.scope] : [] }],
      ...(op.scope ? { 'x-required-scope': op.scope } : {}),
      parameters: [
        ...parameters(op, components),
        ...(op.method === 'POST'
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                schema: { type: 'string', maxLength: 255 },
                description: 'Retries with the same key get the first response.',
              },
            ]
          : []),
      ],
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input', components) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse API',
      version: '1',
      description:
        'Manage users, permission groups, grants, folders and audit streaming destinations; read apps, resources and audit events; export an app as a document and import one into another organization or Gatehouse. Authenticate with an API token as a bearer token; a token acts as the admin who created it, within its scopes. Errors are RFC 9457 problem details. Lists are paginated with an opaque cursor. Rate limits are reported in RateLimit-* headers.',
    },
    servers: [{ url: `${origin}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `Scopes: ${API_SCOPES.join(', ')}` } },
      schemas: components,
    },
    paths,
  };
}
