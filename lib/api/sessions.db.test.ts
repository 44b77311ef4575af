// The public API's session routes as a client sees them: requests with bearer tokens through the
// whole pipeline (lib/api/handle.ts) on a real database, and the OpenAPI document that describes them.
import { describe, expect, it } from 'vitest';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { runMutation } from '@/lib/server/mutation';
import { findActiveSession } from '@/lib/sessions/reads';
import { asUser, auditRows, makeOrg, makeUser, testRequest, type TestOrg } from '@/lib/test/helpers';
import { handleApiRequest } from './handle';
import { buildOpenApi } from './openapi';
import type { ApiOperation } from './operation';
import { getSessionLimitsOp, listUserSessionsOp, revokeUserSessionOp, revokeUserSessionsOp, updateSessionLimitsOp } from './operations';

async function token(org: TestOrg, scopes: string) {
  const created = await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
    createApiToken(ctx, createApiTokenInput.parse({ scopes, note: 'sessions test' })),
  );
  return created.token;
}

async function call(op: ApiOperation, bearer: string, path: string, opts: { params?: Record<string, string>; body?: unknown } = {}) {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const req = new Request(`http://gatehouse.test/api/v1${path}`, {
    method: op.method,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body,
  });
  const res = await handleApiRequest(op, req, opts.params ?? {}, testRequest());
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

async function signIn(slug: string, email: string, password: string): Promise<string> {
  const r = await signInWithPassword(
    { orgSlug: slug, email, password },
    testRequest({ userAgent: 'Mozilla/5.0 (Macintosh; Mac OS X) Chrome/140' }),
  );
  if (!r.ok) throw new Error(`sign-in failed: ${r.reason}`);
  return r.sessionId;
}

describe('/api/v1 sessions', () => {
  it('reads and changes the session limits with the settings scopes; bad values are named', async () => {
    const org = await makeOrg('apilimits');
    const reader = await token(org, 'settings:read');
    const writer = await token(org, 'settings:write,settings:read');

    expect(await call(getSessionLimitsOp, reader, '/settings/sessions')).toEqual({
      status: 200,
      json: { idleMinutes: 480, absoluteMinutes: 1440 },
    });
    expect(await call(updateSessionLimitsOp, reader, '/settings/sessions', { body: { idleMinutes: 30 } })).toMatchObject({
      status: 403,
      json: { detail: 'This needs the settings:write scope.' },
    });
    expect(await call(updateSessionLimitsOp, writer, '/settings/sessions', { body: { idleMinutes: 30, absoluteMinutes: 120 } })).toEqual({
      status: 200,
      json: { idleMinutes: 30, absoluteMinutes: 120 },
    });
    expect(await call(getSessionLimitsOp, writer, '/settings/sessions')).toMatchObject({ json: { idleMinutes: 30, absoluteMinutes: 120 } });

    expect(
      await call(updateSessionLimitsOp, writer, '/settings/sessions', { body: { idleMinutes: 2, absoluteMinutes: 200_000 } }),
    ).toMatchObject({
      status: 400,
      json: { errors: { idleMinutes: ['Use at least 5 minutes.'], absoluteMinutes: ['Use at most 90 days.'] } },
    });
    expect(await call(updateSessionLimitsOp, writer, '/settings/sessions', { body: { idleMinutes: '30m' } })).toMatchObject({
      status: 400,
      json: { errors: { idleMinutes: ['Enter a number of minutes.'] } },
    });
    expect(await call(updateSessionLimitsOp, writer, '/settings/sessions', { body: { idleMinutes: 180 } })).toMatchObject({
      status: 422,
      json: { errors: { idleMinutes: ['The absolute limit (2h) cannot be shorter than the idle limit (3h).'] } },
    });
    expect(await call(updateSessionLimitsOp, writer, '/settings/sessions', { body: { idleMinutes: 30 } })).toMatchObject({
      status: 409,
      json: { detail: 'Nothing changed.' },
    });
    expect((await auditRows(org.orgId)).filter((e) => e.actionType === 'UPDATE_SESSION_LIMITS').map((e) => e.metadata)).toEqual([
      expect.objectContaining({ actor: 'api_token', after: { idleMinutes: 30, absoluteMinutes: 120 } }),
    ]);
  });

  it('lists a user’s sessions, ends one, and signs the user out everywhere; another organization’s user is not found', async () => {
    const org = await makeOrg('apises');
    const other = await makeOrg('apises-other');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const reader = await token(org, 'users:read');
    const writer = await token(org, 'users:write,users:read');
    const first = await signIn(org.slug, bob.email, bob.password);
    const second = await signIn(org.slug, bob.email, bob.password);
    const admins = await signIn(org.slug, org.email, org.password);
    const foreign = await signIn(other.slug, other.email, other.password);
    const params = { userId: bob.id };

    const listed = await call(listUserSessionsOp, reader, `/users/${bob.id}/sessions`, { params });
    expect(listed.status).toBe(200);
    expect(listed.json.data.map((s: { id: string }) => s.id).sort()).toEqual([first, second].sort());
    expect(listed.json.data[0]).toEqual({
      id: expect.any(String),
      authMethod: 'password',
      secondFactor: null,
      ipAddress: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (Macintosh; Mac OS X) Chrome/140',
      createdAt: expect.stringMatching(/Z$/),
      lastSeenAt: expect.stringMatching(/Z$/),
    });
    const foreignParams = { userId: other.adminId };
    expect((await call(listUserSessionsOp, reader, `/users/${other.adminId}/sessions`, { params: foreignParams })).status).toBe(404);
    expect((await call(revokeUserSessionsOp, reader, `/users/${bob.id}/sessions`, { params })).status).toBe(403);

    const one = await call(revokeUserSessionOp, writer, `/users/${bob.id}/sessions/${first}`, { params: { ...params, sessionId: first } });
    expect(one).toEqual({ status: 204, json: null });
    expect(await findActiveSession(first)).toBeNull();
    expect(await findActiveSession(second)).not.toBeNull();
    expect(
      (await call(revokeUserSessionOp, writer, `/users/${bob.id}/sessions/${first}`, { params: { ...params, sessionId: first } })).status,
    ).toBe(404);
    // A session is revoked only under its own user: the admin's id with bob's session is not found.
    const mismatched = { userId: org.adminId, sessionId: second };
    expect((await call(revokeUserSessionOp, writer, `/users/${org.adminId}/sessions/${second}`, { params: mismatched })).status).toBe(404);

    expect(await call(revokeUserSessionsOp, writer, `/users/${bob.id}/sessions`, { params })).toEqual({
      status: 200,
      json: { sessionsRevoked: 1 },
    });
    expect(await findActiveSession(second)).toBeNull();
    expect(await findActiveSession(admins)).not.toBeNull();
    expect((await call(revokeUserSessionsOp, writer, `/users/${other.adminId}/sessions`, { params: foreignParams })).status).toBe(404);
    expect(await findActiveSession(foreign)).not.toBeNull();
    expect((await call(listUserSessionsOp, reader, `/users/${bob.id}/sessions`, { params })).json).toEqual({ data: [] });

    const events = (await auditRows(org.orgId)).filter((e) => ['REVOKE_SESSION', 'REVOKE_USER_SESSIONS'].includes(e.actionType));
    expect(events.map((e) => [e.actionType, e.userId, e.metadata])).toEqual([
      ['REVOKE_SESSION', org.adminId, expect.objectContaining({ actor: 'api_token', sessionId: first, targetUserId: bob.id })],
      ['REVOKE_USER_SESSIONS', org.adminId, expect.objectContaining({ actor: 'api_token', targetUserId: bob.id, sessionsRevoked: 1 })],
    ]);
  });

  it('is in the OpenAPI document with its scopes', () => {
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { 'x-required-scope'?: string; operationId: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths['/settings/sessions']?.get).toMatchObject({ operationId: 'getSessionLimits', 'x-required-scope': 'settings:read' });
    expect(doc.paths['/settings/sessions']?.patch).toMatchObject({
      operationId: 'updateSessionLimits',
      'x-required-scope': 'settings:write',
    });
    expect(doc.paths['/users/{userId}/sessions']?.get).toMatchObject({ operationId: 'listUserSessions', 'x-required-scope': 'users:read' });
    expect(doc.paths['/users/{userId}/sessions']?.delete).toMatchObject({
      operationId: 'revokeUserSessions',
      'x-required-scope': 'users:write',
    });
    expect(doc.paths['/users/{userId}/sessions/{sessionId}']?.delete).toMatchObject({ operationId: 'revokeUserSession' });
    expect(Object.keys(doc.components.schemas.Session?.properties ?? {})).toEqual([
      'id',
      'authMethod',
      'secondFactor',
      'ipAddress',
      'userAgent',
      'createdAt',
      'lastSeenAt',
    ]);
  });
});
