import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { organizations, sessions, users } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import { findActiveSession, listActiveSessions } from './reads';
import {
  endSession,
  endSessionById,
  revokeAllUserSessions,
  revokeOwnSession,
  revokeUserSessions,
  signOutEverywhere,
  updateSessionLimits,
} from './writes';

const HOUR = 3_600_000;
const MIN = 60_000;
const after = (from: Date, ms: number) => new Date(from.getTime() + ms);

async function sessionRow(sid: string) {
  const [row] = await getDb().select().from(sessions).where(eq(sessions.id, sid));
  return row!;
}

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

describe('session limits per organization', () => {
  it('end a session at its idle and absolute limits, read from the organization at every request', async () => {
    const org = await makeOrg('limits');
    const admin = asUser(org.orgId, org.adminId);

    // A live session under the defaults (8 h idle) …
    const live = await signIn(org);
    const liveAt = (await sessionRow(live)).lastSeenAt;
    expect(await findActiveSession(live, after(liveAt, 20 * MIN))).not.toBeNull();
    // … follows a shorter limit from its next request: 30 minutes after its last one, it has ended.
    await runMutation(admin, (ctx) => updateSessionLimits(ctx, { idleMinutes: 30, absoluteMinutes: 60 }));
    expect(await findActiveSession(live, after(liveAt, 50 * MIN))).toBeNull();

    const justBefore = await signIn(org);
    expect(await findActiveSession(justBefore, after((await sessionRow(justBefore)).lastSeenAt, 30 * MIN - 1000))).not.toBeNull();
    const atIdle = await signIn(org);
    expect(await findActiveSession(atIdle, after((await sessionRow(atIdle)).lastSeenAt, 30 * MIN))).toBeNull();

    // Kept busy, a session still ends 60 minutes after sign-in.
    const busy = await signIn(org);
    const signedInAt = (await sessionRow(busy)).createdAt;
    for (const m of [25, 50]) expect(await findActiveSession(busy, after(signedInAt, m * MIN))).not.toBeNull();
    expect(await findActiveSession(busy, after(signedInAt, 60 * MIN - 1000))).not.toBeNull();
    expect(await findActiveSession(busy, after(signedInAt, 60 * MIN))).toBeNull();
    // At a five-minute idle limit, activity is recorded every 30 seconds rather than every minute.
    await runMutation(admin, (ctx) => updateSessionLimits(ctx, { idleMinutes: 5 }));
    const short = await signIn(org);
    const shortAt = (await sessionRow(short)).lastSeenAt;
    await findActiveSession(short, after(shortAt, 31_000));
    expect((await sessionRow(short)).lastSeenAt).toEqual(after(shortAt, 31_000));

    const events = (await auditRows(org.orgId)).filter((e) => e.actionType === 'UPDATE_SESSION_LIMITS');
    expect(events.map((e) => [e.userId, e.metadata])).toEqual([
      [
        org.adminId,
        { before: { idleMinutes: 480, absoluteMinutes: 1440 }, after: { idleMinutes: 30, absoluteMinutes: 60 }, expiredSessionsRevoked: 0 },
      ],
      [
        org.adminId,
        { before: { idleMinutes: 30, absoluteMinutes: 60 }, after: { idleMinutes: 5, absoluteMinutes: 60 }, expiredSessionsRevoked: 0 },
      ],
    ]);
  });

  it('keeps a session that had ended ended when a limit grows; live ones carry on', async () => {
    const org = await makeOrg('regrow');
    const other = await makeOrg('regrow-other');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => updateSessionLimits(ctx, { idleMinutes: 30 }));
    await runMutation(asUser(other.orgId, other.adminId), (ctx) => updateSessionLimits(ctx, { idleMinutes: 30 }));
    const ended = await signIn(org);
    const alive = await signIn(org);
    const elsewhere = await signIn(other);
    const t = (await sessionRow(ended)).lastSeenAt;
    expect(await findActiveSession(alive, after(t, 25 * MIN))).not.toBeNull();
    expect(await findActiveSession(ended, after(t, 40 * MIN))).toBeNull();

    const grown = await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      updateSessionLimits(ctx, { idleMinutes: 480 }, after(t, 40 * MIN)),
    );
    expect(grown).toEqual({ idleMinutes: 480, absoluteMinutes: 1440 });
    expect(await findActiveSession(ended, after(t, 41 * MIN))).toBeNull();
    expect((await sessionRow(ended)).revokedReason).toBe('expired');
    expect(await findActiveSession(alive, after(t, 41 * MIN))).not.toBeNull();
    // Another organization's sessions are its own business.
    expect((await sessionRow(elsewhere)).revokedAt).toBeNull();
    const event = (await auditRows(org.orgId)).filter((e) => e.actionType === 'UPDATE_SESSION_LIMITS').at(-1);
    expect(event!.metadata).toMatchObject({ after: { idleMinutes: 480 }, expiredSessionsRevoked: 1 });
  });

  it('are admin-only, refuse an absolute limit below the idle one on the field that caused it, and say when nothing changed', async () => {
    const org = await makeOrg('limitsval');
    const member = await makeUser(org.orgId, { label: 'member' });
    const admin = () => asUser(org.orgId, org.adminId);
    expect(
      await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => updateSessionLimits(ctx, { idleMinutes: 60 }))),
    ).toMatchObject({ code: 'forbidden' });
    const both = await errorOf(runMutation(admin(), (ctx) => updateSessionLimits(ctx, { idleMinutes: 120, absoluteMinutes: 60 })));
    expect(both.meta.fieldErrors).toEqual({ absoluteMinutes: ['The absolute limit (1h) cannot be shorter than the idle limit (2h).'] });
    const absoluteOnly = await errorOf(runMutation(admin(), (ctx) => updateSessionLimits(ctx, { absoluteMinutes: 60 })));
    expect(absoluteOnly.meta.fieldErrors).toEqual({
      absoluteMinutes: ['The absolute limit (1h) cannot be shorter than the idle limit (8h).'],
    });
    await runMutation(admin(), (ctx) => updateSessionLimits(ctx, { idleMinutes: 30, absoluteMinutes: 60 }));
    const idleOnly = await errorOf(runMutation(admin(), (ctx) => updateSessionLimits(ctx, { idleMinutes: 120 })));
    expect(idleOnly.meta.fieldErrors).toEqual({ idleMinutes: ['The absolute limit (1h) cannot be shorter than the idle limit (2h).'] });
    expect(await rejection(runMutation(admin(), (ctx) => updateSessionLimits(ctx, { idleMinutes: 30, absoluteMinutes: 60 })))).toEqual({
      code: 'conflict',
      message: 'Nothing changed.',
    });
    // The operator may: the CLI acts as such (decision 0007).
    const cli = { orgId: org.orgId, actor: { kind: 'cli' as const }, request: testRequest() };
    expect(await runMutation(cli, (ctx) => updateSessionLimits(ctx, { idleMinutes: 15 }))).toEqual({
      idleMinutes: 15,
      absoluteMinutes: 60,
    });
    const [row] = await getDb().select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, org.orgId));
    expect(row!.settings).toMatchObject({ sessionIdleMinutes: 15, sessionAbsoluteMinutes: 60 });
  });
});

describe('signing out everywhere', () => {
  it('for oneself ends every own session, this one included, and no one else’s', async () => {
    const org = await makeOrg('everywhere');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const current = await signIn(org);
    const laptop = await signIn(org);
    const bobs = await signInWithPassword({ orgSlug: org.slug, email: bob.email, password: bob.password }, testRequest());
    if (!bobs.ok) throw new Error('sign-in failed');

    const result = await runMutation(asUser(org.orgId, org.adminId, current), (ctx) => signOutEverywhere(ctx));
    expect(result).toEqual({ sessionsRevoked: 2 });
    expect(await findActiveSession(current)).toBeNull();
    expect(await findActiveSession(laptop)).toBeNull();
    expect((await sessionRow(laptop)).revokedReason).toBe('logout');
    expect(await findActiveSession(bobs.sessionId)).not.toBeNull();
    const event = (await auditRows(org.orgId)).filter((e) => e.actionType === 'REVOKE_USER_SESSIONS');
    expect(event.map((e) => [e.userId, e.metadata])).toEqual([
      [org.adminId, { targetUserId: org.adminId, email: org.email, sessionsRevoked: 2 }],
    ]);
  });

  it('for an admin ends every session of that user only; another organization’s user is not found', async () => {
    const org = await makeOrg('adminall');
    const other = await makeOrg('adminall-other');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const signInBob = async () => {
      const r = await signInWithPassword({ orgSlug: org.slug, email: bob.email, password: bob.password }, testRequest());
      if (!r.ok) throw new Error('sign-in failed');
      return r.sessionId;
    };
    const bobs = [await signInBob(), await signInBob()];
    const admins = await signIn(org);
    const foreign = await signIn(other);
    const as = asUser(org.orgId, org.adminId, admins);

    expect(await runMutation(as, (ctx) => revokeAllUserSessions(ctx, { userId: bob.id }))).toEqual({ sessionsRevoked: 2 });
    for (const sid of bobs) expect(await findActiveSession(sid)).toBeNull();
    expect(await findActiveSession(admins)).not.toBeNull();
    expect(await rejection(runMutation(as, (ctx) => revokeAllUserSessions(ctx, { userId: other.adminId })))).toMatchObject({
      code: 'not_found',
    });
    expect(await findActiveSession(foreign)).not.toBeNull();
    expect(
      await rejection(runMutation(asUser(org.orgId, bob.id), (ctx) => revokeAllUserSessions(ctx, { userId: org.adminId }))),
    ).toMatchObject({ code: 'forbidden' });
    expect(await findActiveSession(admins)).not.toBeNull();
  });
});
