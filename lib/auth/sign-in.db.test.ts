import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sessions, signInFailures, users } from '@/db/schema';
import { auditRows, makeOrg, testRequest } from '@/lib/test/helpers';
import { signInWithPassword } from './sign-in';

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

describe('signInWithPassword', () => {
  it('creates a session and records LOGIN with the session id', async () => {
    const org = await makeOrg('login');
    const result = await signInWithPassword(
      { orgSlug: org.slug.toUpperCase(), email: org.email.toUpperCase(), password: org.password },
      testRequest({ userAgent: 'Firefox/130', ipAddress: '198.51.100.4' }),
    );
    expect(result).toMatchObject({ ok: true, userId: org.adminId, orgId: org.orgId, orgSlug: org.slug });
    if (!result.ok) throw new Error('unreachable');

    const [session] = await getDb().select().from(sessions).where(eq(sessions.id, result.sessionId));
    expect(session).toMatchObject({
      userId: org.adminId,
      authMethod: 'password',
      ipAddress: '198.51.100.4',
      userAgent: 'Firefox/130',
      revokedAt: null,
    });
    const [user] = await getDb().select().from(users).where(eq(users.id, org.adminId));
    expect(user!.lastLoginAt).not.toBeNull();

    const login = (await auditRows(org.orgId)).find((e) => e.actionType === 'LOGIN');
    expect(login).toMatchObject({
      userId: org.adminId,
      ipAddress: '198.51.100.4',
      metadata: { method: 'password', sessionId: result.sessionId },
    });
  });

  it('answers wrong password, unknown email and disabled user identically, and audits the real reason', async () => {
    const org = await makeOrg('same');
    const req = () => testRequest({ ipAddress: null });
    const wrong = await signInWithPassword({ orgSlug: org.slug, email: org.email, password: 'not it at all' }, req());
    const unknown = await signInWithPassword({ orgSlug: org.slug, email: `x${org.email}`, password: org.password }, req());
    await getDb().update(users).set({ disabledAt: new Date() }).where(eq(users.id, org.adminId));
    const disabled = await signInWithPassword({ orgSlug: org.slug, email: org.email, password: org.password }, req());
    const noOrg = await signInWithPassword({ orgSlug: 'no-such-org', email: org.email, password: org.password }, req());

    for (const r of [wrong, unknown, disabled, noOrg]) expect(r).toEqual({ ok: false, reason: 'invalid_credentials' });
    const failed = (await auditRows(org.orgId)).filter((e) => e.actionType === 'LOGIN_FAILED');
    expect(failed.map((e) => e.metadata.reason)).toEqual(['wrong_password', 'unknown_user', 'user_disabled']);
    expect(failed.map((e) => e.userId)).toEqual([org.adminId, null, org.adminId]);
    for (const e of failed) expect(JSON.stringify(e)).not.toContain(org.password);
    expect(await getDb().select().from(sessions).where(eq(sessions.userId, org.adminId))).toHaveLength(0);
  });

  it('slows an account down after five failures, even for the right password, then lets it in', async () => {
    const org = await makeOrg('slow');
    const t0 = new Date();
    const attemptAt = (s: number, password = 'wrong password!') =>
      signInWithPassword({ orgSlug: org.slug, email: org.email, password }, testRequest({ ipAddress: null }), at(t0, s));

    for (let i = 0; i < 5; i++) expect((await attemptAt(i)).ok).toBe(false);
    expect(await attemptAt(4.5, org.password)).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 1 });
    expect(await attemptAt(6)).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(await attemptAt(6.5, org.password)).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 2 });
    expect((await attemptAt(9, org.password)).ok).toBe(true);

    // Success clears the account's failures.
    const left = await getDb().select().from(signInFailures).where(eq(signInFailures.organizationId, org.orgId));
    expect(left).toHaveLength(0);
    const limited = (await auditRows(org.orgId)).filter((e) => e.metadata.reason === 'rate_limited');
    expect(limited).toHaveLength(2);
  });

  it('allows at most 100 failures per account per hour, and reopens as they age out', async () => {
    const org = await makeOrg('cap');
    const t0 = new Date(Date.now() - 59 * 60_000);
    await getDb()
      .insert(signInFailures)
      .values(
        Array.from({ length: 100 }, (_, i) => ({
          organizationId: org.orgId,
          accountKey: org.email,
          ipAddress: null,
          createdAt: at(t0, i * 30),
        })),
      );
    const now = at(t0, 100 * 30 + 120);
    const blocked = await signInWithPassword({ orgSlug: org.slug, email: org.email, password: org.password }, testRequest(), now);
    expect(blocked).toMatchObject({ ok: false, reason: 'rate_limited' });
    if (blocked.ok || blocked.reason !== 'rate_limited') throw new Error('unreachable');
    expect(blocked.retryAfterSeconds).toBe(Math.ceil((t0.getTime() + 3_600_000 - now.getTime()) / 1000));

    const later = at(t0, 3600 + 100 * 30 + 120);
    expect((await signInWithPassword({ orgSlug: org.slug, email: org.email, password: org.password }, testRequest(), later)).ok).toBe(true);
  });

  it('limits one IP across many accounts', async () => {
    const org = await makeOrg('ip');
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const t0 = new Date();
    for (let i = 0; i < 30; i++) {
      const r = await signInWithPassword(
        { orgSlug: org.slug, email: `guess${i}@ip.test`, password: 'guessing here' },
        testRequest({ ipAddress: ip }),
        at(t0, i),
      );
      expect(r).toEqual({ ok: false, reason: 'invalid_credentials' });
    }
    const r = await signInWithPassword(
      { orgSlug: org.slug, email: org.email, password: org.password },
      testRequest({ ipAddress: ip }),
      at(t0, 29.5),
    );
    expect(r).toMatchObject({ ok: false, reason: 'rate_limited' });
    const elsewhere = await signInWithPassword(
      { orgSlug: org.slug, email: org.email, password: org.password },
      testRequest({ ipAddress: '198.51.100.99' }),
      at(t0, 29.5),
    );
    expect(elsewhere.ok).toBe(true);
  });
});
