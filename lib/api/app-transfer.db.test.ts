// The public API's app export and import as a client sees them: HTTP requests with bearer tokens
// through the whole pipeline (lib/api/handle.ts: token, scope, parsing, handler, response schema,
// RFC 9457 problems) on a real database, and the OpenAPI document that describes them.
import { afterAll, describe, expect, it } from 'vitest';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { releaseApp, saveAppDraft } from '@/lib/apps/writes';
import { createObject } from '@/lib/objects/writes';
import { createSampleResource } from '@/lib/resources/configs';
import { closeAllPools } from '@/lib/resources/pools';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, testRequest, type TestOrg } from '@/lib/test/helpers';
import { handleApiRequest } from './handle';
import { buildOpenApi } from './openapi';
import type { ApiOperation } from './operation';
import { exportAppOp, importAppOp, importIntoAppOp } from './operations';

afterAll(async () => {
  await closeAllPools();
});

async function token(org: TestOrg, scopes: string) {
  const created = await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
    createApiToken(ctx, createApiTokenInput.parse({ scopes, note: 'transfer test' })),
  );
  return created;
}

/** One request through the API pipeline, as apiRoute hands it over. */
async function call(
  op: ApiOperation,
  bearer: string,
  path: string,
  opts: { params?: Record<string, string>; body?: unknown; text?: string } = {},
) {
  const body = opts.text ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const req = new Request(`http://gatehouse.test/api/v1${path}`, {
    method: op.method,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body,
  });
  const res = await handleApiRequest(op, req, opts.params ?? {}, testRequest());
  return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
}

const definition = (resourceId: string) => ({
  pages: [{ name: 'main', components: [{ type: 'table', name: 'ordersTable', query: 'orders' }] }],
  queries: [{ type: 'sql', name: 'orders', resourceId, sql: 'select count(*)::int as n from orders' }],
});

describe('/api/v1 app export and import', () => {
  it('exports with apps:export, imports with apps:write, and answers problems with the document path', async () => {
    const a = await makeOrg('apixa');
    const admin = asUser(a.orgId, a.adminId);
    const sample = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
    const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Orders', folderId: null }));
    await runMutation(admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition: definition(sample.id) }));
    await runMutation(admin, (ctx) => releaseApp(ctx, { appId: app.id }));

    const reader = await token(a, 'apps:read');
    const exporter = await token(a, 'apps:export');
    const path = `/apps/${app.id}/export?releases=true`;
    expect(await call(exportAppOp, reader.token, path, { params: { id: app.id } })).toMatchObject({
      status: 403,
      type: 'application/problem+json',
      json: { type: 'urn:gatehouse:problem:insufficient_scope', detail: 'This needs the apps:export scope.' },
    });
    const exported = await call(exportAppOp, exporter.token, path, { params: { id: app.id } });
    expect(exported.status).toBe(200);
    expect(exported.json).toMatchObject({
      format: 'gatehouse.app',
      version: 1,
      app: { name: 'Orders' },
      resources: [{ name: 'Sample database', type: 'sql' }],
      releases: [{ version: 1 }],
    });
    expect(JSON.stringify(exported.json)).not.toContain(sample.id);
    expect((await auditRows(a.orgId)).at(-1)).toMatchObject({
      actionType: 'EXPORT_APP',
      userId: a.adminId,
      metadata: { objectId: app.id, actor: 'api_token', tokenId: exporter.id, releases: 1 },
    });

    // Another organization: its id for the app is not found; with a resource of the same name the import runs.
    const b = await makeOrg('apixb');
    const writer = await token(b, 'apps:write,apps:export');
    expect((await call(exportAppOp, writer.token, `/apps/${app.id}/export`, { params: { id: app.id } })).status).toBe(404);
    const bare = await call(importAppOp, writer.token, '/apps/import?release=true', { body: exported.json });
    expect(bare).toMatchObject({
      status: 422,
      json: {
        type: 'urn:gatehouse:problem:invalid_input',
        detail: 'A resource the app needs cannot be found in this organization: "Sample database". Nothing was imported.',
        errors: { 'resources[0]': ['No resource named "Sample database" that you may use in this organization. Used by orders.'] },
      },
    });
    expect((await auditRows(b.orgId)).map((r) => r.actionType)).not.toContain('CREATE_APP');
    const sampleB = await runMutation(asUser(b.orgId, b.adminId), (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
    const imported = await call(importAppOp, writer.token, '/apps/import?release=true&history=true&name=Orders%20(imported)', {
      body: exported.json,
    });
    expect(imported).toMatchObject({
      status: 201,
      json: {
        id: expect.any(String),
        name: 'Orders (imported)',
        created: true,
        releasedVersion: 2,
        importedReleases: [1],
        resources: [{ name: 'Sample database', resourceId: sampleB.id }],
      },
    });
    expect(imported.json).not.toHaveProperty('appId');
    const newId = imported.json.id as string;
    const intoExisting = await call(importIntoAppOp, writer.token, `/apps/${newId}/import`, { params: { id: newId }, body: exported.json });
    expect(intoExisting).toMatchObject({ status: 200, json: { id: newId, created: false, releasedVersion: null } });
    expect((await auditRows(b.orgId)).filter((r) => r.actionType === 'IMPORT_APP').map((r) => r.metadata)).toEqual([
      expect.objectContaining({ actor: 'api_token', tokenId: writer.id, created: true }),
      expect.objectContaining({ actor: 'api_token', tokenId: writer.id, created: false }),
    ]);

    // Bad documents: a specific 422 by path; text that is not JSON, or not an object, is a malformed request.
    expect(await call(importAppOp, writer.token, '/apps/import', { body: { ...exported.json, version: 2 } })).toMatchObject({
      status: 422,
      json: { errors: { version: [expect.stringContaining('format version 2')] } },
    });
    const tampered = structuredClone(exported.json);
    tampered.definition.queries[0].resource = 'Somewhere else';
    expect(await call(importAppOp, writer.token, '/apps/import', { body: tampered })).toMatchObject({
      status: 422,
      json: { errors: { 'definition.queries[0].resource': ['"Somewhere else" is not listed in the document\'s resources.'] } },
    });
    expect(await call(importAppOp, writer.token, '/apps/import', { text: '{"format":' })).toMatchObject({
      status: 400,
      json: { type: 'urn:gatehouse:problem:invalid_request' },
    });
    expect(await call(importAppOp, writer.token, '/apps/import', { body: [exported.json] })).toMatchObject({ status: 400 });
  });

  it('is in the OpenAPI document with its scopes', () => {
    const doc = buildOpenApi('https://gatehouse.example') as {
      paths: Record<string, Record<string, { 'x-required-scope'?: string; operationId: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: { bearer: { description: string } } };
    };
    expect(doc.paths['/apps/{id}/export']?.get).toMatchObject({ operationId: 'exportApp', 'x-required-scope': 'apps:export' });
    expect(doc.paths['/apps/import']?.post).toMatchObject({ operationId: 'importApp', 'x-required-scope': 'apps:write' });
    expect(doc.paths['/apps/{id}/import']?.post).toMatchObject({ operationId: 'importIntoApp', 'x-required-scope': 'apps:write' });
    expect(doc.paths['/apps/{id}/export']?.get?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/AppExport' } } },
    });
    expect(doc.components.schemas).toHaveProperty('AppImport');
    expect(doc.components.securitySchemes.bearer.description).toContain('apps:export, apps:write');
  });
});
