// /api/v1/audit-destinations as a client sees it: HTTP requests with bearer tokens through the whole
// pipeline (token, scope, parsing, handler, response schema, RFC 9457 problems) on a real database,
// every answer checked against the OpenAPI document, a Splunk HEC peer that checks the token and
// the envelope, and no secret in any response.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { permissionGroups } from '@/db/schema';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { removeUsersFromGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, testRequest, type TestOrg } from '@/lib/test/helpers';
import { splunkHecPeer, webhookPeer, type Peer } from '@/lib/test/sink-peers';
import { handleApiRequest } from './handle';
import { buildOpenApi } from './openapi';
import type { ApiOperation } from './operation';
import {
  createAuditDestinationOp,
  deleteAuditDestinationOp,
  getAuditDestinationOp,
  listAuditDestinationsOp,
  testAuditDestinationOp,
  updateAuditDestinationOp,
} from './operations';

const SECRETS = ['hec-secret-token-1', 'hec-secret-token-2', 'whsec-api-secret'];
const peers: Peer<unknown>[] = [];
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

const doc = buildOpenApi('') as { paths: Record<string, Record<string, { 'x-required-scope'?: string; operationId: string }>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc as object, 'doc');

async function token(org: TestOrg, scopes: string, userId = org.adminId) {
  return runMutation(asUser(org.orgId, userId), (ctx) => createApiToken(ctx, createApiTokenInput.parse({ scopes, note: 'destinations' })));
}

/** Every response body this file sees, to look for secrets in afterwards. */
const seen: string[] = [];

/** One request through the API pipeline, as apiRoute hands it over; the answer is checked against the document. */
async function call(op: ApiOperation, bearer: string, opts: { id?: string; body?: unknown } = {}) {
  const path = op.path.replace('{destinationId}', opts.id ?? '');
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const req = new Request(`http://gatehouse.test/api/v1${path}`, {
    method: op.method,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body,
  });
  const res = await handleApiRequest(op, req, opts.id === undefined ? {} : { destinationId: opts.id }, testRequest());
  const text = await res.text();
  seen.push(text);
  const json = text ? JSON.parse(text) : null;
  if (res.status !== 204) {
    const responses = `doc#/paths/${op.path.replaceAll('/', '~1')}/${op.method.toLowerCase()}/responses`;
    const documented = res.status === (op.status ?? 200) ? String(res.status) : 'default';
    const media = documented === 'default' ? 'application~1problem+json' : 'application~1json';
    const validate = ajv.compile({ $ref: `${responses}/${documented}/content/${media}/schema` });
    expect(validate(json), `${op.id} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  return { status: res.status, json };
}

const sinkEvents = async (orgId: string) =>
  (await auditRows(orgId))
    .filter((r) => /AUDIT_SINK|_AUDIT_SINK/.test(r.actionType))
    .map((r) => ({ actionType: r.actionType, actor: r.metadata.actor, tokenId: r.metadata.tokenId }));

describe('/api/v1/audit-destinations', () => {
  it('creates, reads, changes, pauses, tests and deletes with audit-destinations:* — each change audited, no secret ever answered', async () => {
    const org = await makeOrg('apidest');
    const hec = await splunkHecPeer('hec-secret-token-2', { indexes: ['audit'] });
    peers.push(hec as Peer<unknown>);
    const writer = await token(org, 'audit-destinations:*');
    const hecUrl = `${hec.origin}/services/collector/event`;

    const created = await call(createAuditDestinationOp, writer.token, {
      body: { name: 'Splunk', kind: 'splunk', url: hecUrl, secret: 'hec-secret-token-1', index: 'audit' },
    });
    expect(created).toMatchObject({
      status: 201,
      json: {
        name: 'Splunk',
        kind: 'splunk',
        url: hecUrl,
        site: null,
        index: 'audit',
        sourcetype: null,
        secretSet: true,
        paused: false,
        delivery: { lagEvents: 1, deliveredCount: 0, failures: 0, lastError: null },
      },
    });
    const id = created.json.id as string;
    expect(await call(getAuditDestinationOp, writer.token, { id })).toMatchObject({ status: 200, json: { id, name: 'Splunk' } });
    expect(await call(listAuditDestinationsOp, writer.token)).toMatchObject({ status: 200, json: { data: [{ id, kind: 'splunk' }] } });

    // The stored token is not the collector's: the test reports its refusal as it said it.
    expect(await call(testAuditDestinationOp, writer.token, { id })).toEqual({
      status: 200,
      json: { ok: false, status: 403, error: 'HTTP 403 Forbidden: {"text":"Invalid token","code":4}' },
    });
    expect(hec.refused).toEqual([{ status: 403, body: '{"text":"Invalid token","code":4}' }]);

    const rotated = await call(updateAuditDestinationOp, writer.token, {
      id,
      body: { secret: 'hec-secret-token-2', sourcetype: 'gh:audit' },
    });
    expect(rotated).toMatchObject({ status: 200, json: { id, sourcetype: 'gh:audit', secretSet: true } });
    expect(await call(testAuditDestinationOp, writer.token, { id })).toEqual({ status: 200, json: { ok: true, status: 200, error: null } });
    expect(hec.events).toEqual([
      expect.objectContaining({
        index: 'audit',
        sourcetype: 'gh:audit',
        event: expect.objectContaining({ actionType: 'AUDIT_SINK_TEST' }),
      }),
    ]);

    expect(await call(updateAuditDestinationOp, writer.token, { id, body: { paused: true } })).toMatchObject({
      status: 200,
      json: { paused: true },
    });
    expect(await call(deleteAuditDestinationOp, writer.token, { id })).toEqual({ status: 204, json: null });
    expect(await call(getAuditDestinationOp, writer.token, { id })).toMatchObject({
      status: 404,
      json: { detail: 'No such destination.' },
    });
    expect(await call(deleteAuditDestinationOp, writer.token, { id })).toMatchObject({ status: 404 });

    const byToken = { actor: 'api_token', tokenId: writer.id };
    expect(await sinkEvents(org.orgId)).toEqual([
      { actionType: 'AUDIT_SINK_CREATED', ...byToken },
      { actionType: 'AUDIT_SINK_TESTED', ...byToken },
      { actionType: 'UPDATE_AUDIT_SINK', ...byToken },
      { actionType: 'AUDIT_SINK_TESTED', ...byToken },
      { actionType: 'AUDIT_SINK_DISABLED', ...byToken },
      { actionType: 'AUDIT_SINK_DELETED', ...byToken },
    ]);
    const update = (await auditRows(org.orgId)).find((r) => r.actionType === 'UPDATE_AUDIT_SINK')!;
    expect(update.metadata).toMatchObject({ sinkId: id, changed: ['sourcetype', 'secret'] });
    for (const secret of SECRETS) expect(JSON.stringify(await auditRows(org.orgId))).not.toContain(secret);
  });

  it('answers bad input with the field at fault: 400 for the schema, 422 for what the kind does not take, 409 for a clash; changing nothing', async () => {
    const org = await makeOrg('apidestbad');
    const writer = await token(org, 'audit-destinations:write,audit-destinations:read');
    const hook = { name: 'Hook', kind: 'webhook', url: 'https://hooks.example.test/in', secret: 'whsec-api-secret' };
    const { json: created } = await call(createAuditDestinationOp, writer.token, { body: hook });
    const id = created.id as string;
    const events = (await auditRows(org.orgId)).length;

    expect(
      await call(createAuditDestinationOp, writer.token, {
        body: {
          name: 'Splunk',
          kind: 'splunk',
          url: 'http://splunk.example.test:8088/services/collector',
          secret: 'hec-secret-token-1',
          tags: 'x:y',
        },
      }),
    ).toMatchObject({
      status: 400,
      json: {
        type: 'urn:gatehouse:problem:invalid_request',
        detail: 'The body does not match the schema.',
        errors: {
          tags: ['Only Datadog destinations take tags.'],
          url: ['Use an https URL (plain http is allowed only to localhost).'],
        },
      },
    });
    expect(await call(createAuditDestinationOp, writer.token, { body: { ...hook, secret: '', kind: 'syslog' } })).toMatchObject({
      status: 400,
      json: { errors: { kind: ['Choose Datadog, Splunk or webhook.'], secret: ['Enter the API key, HEC token or signing secret.'] } },
    });
    expect(await call(createAuditDestinationOp, writer.token, { body: { ...hook, name: 'HOOK' } })).toMatchObject({
      status: 409,
      json: { type: 'urn:gatehouse:problem:conflict', errors: { name: ['A destination with that name already exists.'] } },
    });
    expect(await call(updateAuditDestinationOp, writer.token, { id, body: { index: 'main' } })).toMatchObject({
      status: 422,
      json: { type: 'urn:gatehouse:problem:invalid_input', errors: { index: ['Only Splunk destinations take an index.'] } },
    });
    expect(await call(updateAuditDestinationOp, writer.token, { id, body: { kind: 'splunk' } })).toMatchObject({
      status: 400,
      json: { errors: { _: ['Unrecognized key: "kind"'] } },
    });
    expect(await call(updateAuditDestinationOp, writer.token, { id, body: { url: '' } })).toMatchObject({
      status: 422,
      json: { errors: { url: ['Enter the URL events are sent to.'] } },
    });
    expect(await call(updateAuditDestinationOp, writer.token, { id, body: {} })).toMatchObject({
      status: 409,
      json: { detail: 'Nothing changed.' },
    });
    expect(await call(updateAuditDestinationOp, writer.token, { id, body: { paused: false } })).toMatchObject({
      status: 409,
      json: { detail: 'This destination is not paused.' },
    });
    expect(await call(getAuditDestinationOp, writer.token, { id: 'not-a-uuid' })).toMatchObject({ status: 404 });
    expect((await auditRows(org.orgId)).length).toBe(events);

    // Another organization's token finds nothing of this one.
    const other = await makeOrg('apidestother');
    const outsider = await token(other, 'audit-destinations:*');
    expect(await call(getAuditDestinationOp, outsider.token, { id })).toMatchObject({ status: 404 });
    expect(await call(updateAuditDestinationOp, outsider.token, { id, body: { paused: true } })).toMatchObject({ status: 404 });
    expect(await call(testAuditDestinationOp, outsider.token, { id })).toMatchObject({ status: 404 });
    expect(await call(listAuditDestinationsOp, outsider.token)).toMatchObject({ status: 200, json: { data: [] } });
  });

  it('refuses a token without the scope (403 insufficient_scope), and one whose creator is no longer an admin (403 forbidden)', async () => {
    const org = await makeOrg('apidestscope');
    const hook = await webhookPeer('whsec-api-secret');
    peers.push(hook as Peer<unknown>);
    const admin = await token(org, 'audit-destinations:*');
    const { json } = await call(createAuditDestinationOp, admin.token, {
      body: { name: 'Hook', kind: 'webhook', url: hook.origin, secret: 'whsec-api-secret' },
    });
    const id = json.id as string;
    const reader = await token(org, 'audit-destinations:read,audit:read');
    const auditOnly = await token(org, 'audit:read');

    const scope = (name: string) => ({
      status: 403,
      json: { type: 'urn:gatehouse:problem:insufficient_scope', detail: `This needs the ${name} scope.` },
    });
    expect(await call(listAuditDestinationsOp, auditOnly.token)).toMatchObject(scope('audit-destinations:read'));
    expect(await call(getAuditDestinationOp, auditOnly.token, { id })).toMatchObject(scope('audit-destinations:read'));
    expect(await call(listAuditDestinationsOp, reader.token)).toMatchObject({ status: 200 });
    const body = { name: 'Another', kind: 'webhook', url: hook.origin, secret: 'whsec-api-secret' };
    expect(await call(createAuditDestinationOp, reader.token, { body })).toMatchObject(scope('audit-destinations:write'));
    expect(await call(updateAuditDestinationOp, reader.token, { id, body: { paused: true } })).toMatchObject(
      scope('audit-destinations:write'),
    );
    expect(await call(testAuditDestinationOp, reader.token, { id })).toMatchObject(scope('audit-destinations:write'));
    expect(await call(deleteAuditDestinationOp, reader.token, { id })).toMatchObject(scope('audit-destinations:write'));
    expect(hook.events).toEqual([]);

    // A second admin's token, then that admin leaves Admin: their token can do no more than they can.
    const ann = await makeUser(org.orgId, { admin: true, label: 'ann' });
    const annToken = await token(org, 'audit-destinations:*', ann.id);
    expect(await call(getAuditDestinationOp, annToken.token, { id })).toMatchObject({ status: 200 });
    const [adminGroup] = await getDb()
      .select()
      .from(permissionGroups)
      .where(and(eq(permissionGroups.organizationId, org.orgId), eq(permissionGroups.builtin, 'admin')));
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => removeUsersFromGroup(ctx, { groupId: adminGroup!.id, userIds: [ann.id] }));
    const forbidden = { status: 403, json: { type: 'urn:gatehouse:problem:forbidden' } };
    expect(await call(getAuditDestinationOp, annToken.token, { id })).toMatchObject(forbidden);
    expect(await call(updateAuditDestinationOp, annToken.token, { id, body: { paused: true } })).toMatchObject(forbidden);
    expect(await call(testAuditDestinationOp, annToken.token, { id })).toMatchObject(forbidden);
    expect(hook.events).toEqual([]);
    expect(await call(getAuditDestinationOp, admin.token, { id })).toMatchObject({ status: 200, json: { paused: false } });
  });

  it('is in the OpenAPI document with its scopes, and no response ever carried a secret', () => {
    expect(doc.paths['/audit-destinations']).toMatchObject({
      get: { operationId: 'listAuditDestinations', 'x-required-scope': 'audit-destinations:read' },
      post: { operationId: 'createAuditDestination', 'x-required-scope': 'audit-destinations:write' },
    });
    expect(doc.paths['/audit-destinations/{destinationId}']).toMatchObject({
      get: { 'x-required-scope': 'audit-destinations:read' },
      patch: { operationId: 'updateAuditDestination', 'x-required-scope': 'audit-destinations:write' },
      delete: { operationId: 'deleteAuditDestination', 'x-required-scope': 'audit-destinations:write' },
    });
    expect(doc.paths['/audit-destinations/{destinationId}/test']?.post).toMatchObject({
      operationId: 'testAuditDestination',
      'x-required-scope': 'audit-destinations:write',
    });
    expect(seen.length).toBeGreaterThan(30);
    for (const secret of SECRETS) expect(seen.filter((text) => text.includes(secret))).toEqual([]);
  });
});
