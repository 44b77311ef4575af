import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { organizations, sessions, users } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, testRequest, type TestOrg } from '@/lib/test/helpers';
import { findActiveSession, listActiveSessions } from './reads';
import { endSession, endSessionById, revokeOwnSession, revokeUserSessions } from './writes';

const HOUR = 3_600_000;

async function signIn(org: TestOrg): Promise<string> {
  const r = await signInWithPassword({ orgSlug: org.slug, email: org.email, password: org.password }, testRequest());
  if (!r.ok) throw new Error(`sign-in failed: ${r.reason}`);
  return r.sessionId;
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('sessions', () => {
  it('accepts a live session and records activity at most once a minute', async () => {
    const org = await makeOrg('live');
    const sid = await signIn(org);
    const found = await findActiveSession(sid);
    expect(found).toMatchObject({ sessionId: sid, userId: org.adminId, orgId: org.orgId, org: { slug: org.slug } });

    const later = new Date(Date.now() + 2 * 60_000);
    await findActiveSession(sid, later);
    const [row] = await getDb().select().from(sessions).where(eq(sessions.id, sid));
    expect(row!.lastSeenAt.getTime()).toBe(later.getTime());
  });

  it('rejects revoked, idle, expired, disabled and malformed sessions', async () => {
    const org = await makeOrg('reject');
    const db = getDb();
    expect(await findActiveSession('not-a-uuid', undefined, db)).toBeNull();
    expect(await findActiveSession(crypto.randomUUID(), undefined, db)).toBeNull();

    const idle = await signIn(org);
    expect(await findActiveSession(idle, new Date(Date.now() + 8 * HOUR + 1000), db)).toBeNull();

    const old = await signIn(org);
    await db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 24 * HOUR) })
      .where(eq(sessions.id, old));
    expect(await findActiveSession(old, undefined, db)).toBeNull();

    const tight = await signIn(org);
    await db
      .update(organizations)
      .set({ settings: { sessionIdleMinutes: 5 } })
      .where(eq(organizations.id, org.orgId));
    expect(await findActiveSession(tight, new Date(Date.now() + 6 * 60_000), db)).toBeNull();
    await db.update(organizations).set({ settings: {} }).where(eq(organizations.id, org.orgId));

    const revoked = await signIn(org);
    const live = await signIn(org);
    const n = await db.transaction((tx) => revokeUserSessions(org.orgId, org.adminId, 'user_disabled', tx));
    expect(n).toBeGreaterThanOrEqual(2);
    expect(await findActiveSession(revoked, undefined, db)).toBeNull();
    expect(await findActiveSession(live, undefined, db)).toBeNull();

    const fresh = await signIn(org);
    expect(await findActiveSession(fresh, undefined, db)).not.toBeNull();
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, org.adminId));
    expect(await findActiveSession(fresh, undefined, db)).toBeNull();
  });

  it('lets a user revoke their other sessions, but not their current one or anyone else’s', async () => {
    const org = await makeOrg('own');
    const other = await makeOrg('other');
    const current = await signIn(org);
    const second = await signIn(org);
    const foreign = await signIn(other);

    expect((await listActiveSessions(org.orgId, org.adminId)).map((s) => s.id).sort()).toEqual([current, second].sort());

    const me = asUser(org.orgId, org.adminId, current);
    expect((await errorOf(runMutation(me, (ctx) => revokeOwnSession(ctx, { sessionId: current })))).code).toBe('invalid_input');
    expect((await errorOf(runMutation(me, (ctx) => revokeOwnSession(ctx, { sessionId: foreign })))).code).toBe('not_found');
    expect(await findActiveSession(foreign)).not.toBeNull();

    await runMutation(me, (ctx) => revokeOwnSession(ctx, { sessionId: second }));
    expect(await findActiveSession(second)).toBeNull();
    expect((await errorOf(runMutation(me, (ctx) => revokeOwnSession(ctx, { sessionId: second })))).code).toBe('not_found');

    await runMutation(me, (ctx) => endSession(ctx));
    expect(await findActiveSession(current)).toBeNull();
    const events = (await auditRows(org.orgId)).map((e) => [e.actionType, e.metadata.sessionId]);
    expect(events).toContainEqual(['REVOKE_SESSION', second]);
    expect(events).toContainEqual(['LOGOUT', current]);
  });

  it('ends the session a sign-out endpoint names by id, once, idle ones included (LOGOUT)', async () => {
    const org = await makeOrg('byid');
    const sid = await signIn(org);
    expect(await endSessionById(sid, testRequest())).toBe(true);
    expect(await findActiveSession(sid)).toBeNull();
    const [row] = await getDb().select().from(sessions).where(eq(sessions.id, sid));
    expect(row!.revokedReason).toBe('logout');
    expect(await endSessionById(sid, testRequest())).toBe(false);
    expect(await endSessionById('not-a-uuid', testRequest())).toBe(false);
    const logouts = (await auditRows(org.orgId)).filter((e) => e.actionType === 'LOGOUT');
    expect(logouts.map((e) => [e.metadata.sessionId, e.userId])).toEqual([[sid, org.adminId]]);

    const idle = await signIn(org);
    await getDb()
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 30 * 24 * HOUR) })
      .where(eq(sessions.id, idle));
    expect(await findActiveSession(idle)).toBeNull();
    expect(await endSessionById(idle, testRequest())).toBe(true);
    const [idleRow] = await getDb().select().from(sessions).where(eq(sessions.id, idle));
    expect(idleRow!.revokedAt).not.toBeNull();
  });
});
