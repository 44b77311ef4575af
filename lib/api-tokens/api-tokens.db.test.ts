import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apiTokens } from '@/db/schema';
import { findIdempotentResponse, requestFingerprint, storeIdempotentResponse } from '@/lib/api/idempotency';
import { consumeRateLimit } from '@/lib/api/rate-limit';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { disableUser, enableUser } from '@/lib/users/writes';
import { authenticateApiToken } from './reads';
import { createApiToken, revokeApiToken } from './writes';

describe('API tokens', () => {
  it('stores only a hash, authenticates until revoked, and audits both', async () => {
    const org = await makeOrg('tok');
    const admin = asUser(org.orgId, org.adminId);
    const created = await runMutation(admin, (ctx) => createApiToken(ctx, { note: 'ci', scopes: ['users:read'], expiresIn: undefined }));
    const [row] = await getDb().select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row!.tokenHash).not.toContain(created.token);
    expect(JSON.stringify(await auditRows(org.orgId))).not.toContain(created.token);

    expect(await authenticateApiToken(created.token)).toEqual({
      tokenId: created.id,
      orgId: org.orgId,
      orgSlug: org.slug,
      userId: org.adminId,
      scopes: ['users:read'],
    });
    expect(await authenticateApiToken(created.token.slice(0, -1) + 'x')).toBeNull();
    await runMutation(admin, (ctx) => revokeApiToken(ctx, { tokenId: created.id }));
    expect(await authenticateApiToken(created.token)).toBeNull();
    expect((await auditRows(org.orgId)).map((e) => e.actionType)).toEqual(
      expect.arrayContaining(['ACCESS_TOKEN_CREATED', 'ACCESS_TOKEN_REVOKED']),
    );
  });

  it('dies when it expires or its creator is disabled; only admins mint tokens', async () => {
    const org = await makeOrg('tok2');
    const second = await makeUser(org.orgId, { admin: true });
    const asSecond = asUser(org.orgId, second.id);
    const expiring = await runMutation(asSecond, (ctx) => createApiToken(ctx, { note: '', scopes: ['users:read'], expiresIn: 3_600_000 }));
    expect(await authenticateApiToken(expiring.token, new Date(Date.now() + 3_600_000 + 1000), getDb())).toBeNull();
    expect(await authenticateApiToken(expiring.token)).not.toBeNull();

    expect(await runMutation(asUser(org.orgId, org.adminId), (ctx) => disableUser(ctx, { userId: second.id }))).toMatchObject({
      tokensRevoked: 1,
    });
    expect(await authenticateApiToken(expiring.token)).toBeNull();
    // Revoked, not merely suspended: re-enabling the creator does not bring the token back.
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => enableUser(ctx, { userId: second.id }));
    expect(await authenticateApiToken(expiring.token)).toBeNull();

    const bob = await makeUser(org.orgId);
    expect(
      await rejection(
        runMutation(asUser(org.orgId, bob.id), (ctx) => createApiToken(ctx, { note: '', scopes: ['users:read'], expiresIn: undefined })),
      ),
    ).toMatchObject({ code: 'forbidden' });

    const operator = await runMutation({ orgId: org.orgId, actor: { kind: 'cli' }, request: testRequest() }, (ctx) =>
      createApiToken(ctx, { note: 'ops', scopes: ['audit:read'], expiresIn: undefined }),
    );
    expect(await authenticateApiToken(operator.token)).toMatchObject({ userId: null, scopes: ['audit:read'] });
  });
});

describe('API rate limits', () => {
  it('counts per bucket and window, across calls', async () => {
    const bucket = `test:${crypto.randomUUID()}`;
    const now = new Date('2030-01-01T00:00:10Z');
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await consumeRateLimit(bucket, 3, 60_000, now));
    expect(states.map((s) => [s.allowed, s.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(states[3]!.resetSeconds).toBe(50);
    expect((await consumeRateLimit(bucket, 3, 60_000, new Date('2030-01-01T00:01:00Z'))).allowed).toBe(true);
  });
});

describe('idempotency keys', () => {
  it('replays the stored response for the same request and refuses a different one', async () => {
    const org = await makeOrg('idem');
    const token = await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      createApiToken(ctx, { note: '', scopes: ['groups:write'], expiresIn: undefined }),
    );
    const a = requestFingerprint('POST', '/api/v1/groups', '{"name":"A"}');
    expect(await findIdempotentResponse(token.id, 'k1', a)).toBeNull();
    await storeIdempotentResponse(token.id, 'k1', a, { status: 201, body: { id: 'x' } });
    expect(await findIdempotentResponse(token.id, 'k1', a)).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'x' } } });
    expect(await findIdempotentResponse(token.id, 'k1', requestFingerprint('POST', '/api/v1/groups', '{"name":"B"}'))).toEqual({
      kind: 'conflict',
    });
  });
});
