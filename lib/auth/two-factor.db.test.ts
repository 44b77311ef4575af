import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { apiTokens, organizations, recoveryCodes, sessions, signInChallenges, twoFactorCredentials } from '@/db/schema';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { decryptSecret, envelopeKeyId } from '@/lib/crypto/envelope';
import type { Keyring } from '@/lib/crypto/keyring';
import { currentKeyring } from '@/lib/keys/keyring';
import { keyStatus, rewrapAll } from '@/lib/keys/rotation';
import { runMutation } from '@/lib/server/mutation';
import { getUser, listUsers } from '@/lib/users/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { MAX_SECOND_FACTOR_ATTEMPTS, completeSecondFactor, confirmChallengeEnrollment, findLiveChallenge } from './challenge';
import { hashRecoveryCode } from './recovery-codes';
import { signInWithPassword } from './sign-in';
import { totpCode } from './totp';
import {
  confirmTwoFactorEnrollment,
  disableOwnTwoFactor,
  pendingEnrollment,
  regenerateRecoveryCodes,
  resetTwoFactor,
  setTwoFactorRequirement,
  startTwoFactorEnrollment,
} from './two-factor';

const later = (seconds: number, from = new Date()) => new Date(from.getTime() + seconds * 1000);
type Who = { orgId: string; slug: string; id: string; email: string; password: string };

async function userIn(label: string, opts: { admin?: boolean } = {}): Promise<Who & { adminId: string }> {
  const org = await makeOrg(label);
  const user = await makeUser(org.orgId, { admin: opts.admin, label });
  return { orgId: org.orgId, slug: org.slug, adminId: org.adminId, ...user };
}

/** Enrolls through the account page's functions; returns the seed (read as the page shows it) and the recovery codes. */
async function enroll(who: Who): Promise<{ secret: string; codes: string[] }> {
  await runMutation(asUser(who.orgId, who.id), (ctx) => startTwoFactorEnrollment(ctx));
  const pending = await pendingEnrollment(who.orgId, who.id, { email: who.email, issuer: 'Gatehouse' });
  const secret = pending!.manualKey.replace(/ /g, '');
  const { recoveryCodes: codes } = await runMutation(asUser(who.orgId, who.id), (ctx) =>
    confirmTwoFactorEnrollment(ctx, { code: totpCode(secret) }),
  );
  return { secret, codes };
}

async function passwordStep(who: Who, now = new Date()): Promise<string> {
  const result = await signInWithPassword(
    { orgSlug: who.slug, email: who.email, password: who.password },
    testRequest({ ipAddress: null }),
    now,
  );
  if (result.ok || result.reason !== 'second_factor_required') throw new Error(`expected a second step, got ${JSON.stringify(result)}`);
  return result.challengeToken;
}

const sessionsOf = (userId: string) => getDb().select().from(sessions).where(eq(sessions.userId, userId));

describe('enrollment', () => {
  it('stores the seed encrypted and bound to its row, and turns on only after a right code', async () => {
    const who = await userIn('enroll');
    await runMutation(asUser(who.orgId, who.id), (ctx) => startTwoFactorEnrollment(ctx));
    const pending = await pendingEnrollment(who.orgId, who.id, { email: who.email, issuer: 'Gatehouse' });
    expect(pending!.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = pending!.manualKey.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const [row] = await getDb().select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, who.id));
    expect(row!.secret.startsWith('ghe1.')).toBe(true);
    expect(row!.secret).not.toContain(secret);
    expect(
      decryptSecret(row!.secret, { orgId: who.orgId, table: 'two_factor_credentials', column: 'secret', rowId: row!.id }, currentKeyring()),
    ).toBe(secret);
    expect(() =>
      decryptSecret(row!.secret, { orgId: who.orgId, table: 'two_factor_credentials', column: 'secret', rowId: who.id }, currentKeyring()),
    ).toThrow(/could not be decrypted/);
    // The database refuses a seed in clear.
    await expect(getDb().update(twoFactorCredentials).set({ secret }).where(eq(twoFactorCredentials.id, row!.id))).rejects.toThrow();

    const wrong = await rejection(
      runMutation(asUser(who.orgId, who.id), (ctx) => confirmTwoFactorEnrollment(ctx, { code: totpCode(secret, later(-300)) })),
    );
    expect(wrong).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/not right/) });
    const { recoveryCodes: codes } = await runMutation(asUser(who.orgId, who.id), (ctx) =>
      confirmTwoFactorEnrollment(ctx, { code: totpCode(secret) }),
    );
    expect(codes).toHaveLength(10);

    const stored = await getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, who.id));
    expect(stored.map((r) => r.codeHash).sort()).toEqual(codes.map(hashRecoveryCode).sort());
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace('-', ''));

    const events = await auditRows(who.orgId);
    expect(events.filter((e) => e.actionType === 'ENABLE_TWO_FACTOR_AUTH').map((e) => e.metadata)).toEqual([
      { credentialId: row!.id, via: 'account', recoveryCodes: 10 },
    ]);
    const all = JSON.stringify(events);
    expect(all).not.toContain(secret);
    for (const c of codes) expect(all).not.toContain(c);

    // The users list shows it, and filters by it.
    expect((await listUsers(who.orgId, { twoFactor: 'on' })).map((u) => u.id)).toEqual([who.id]);
    expect((await listUsers(who.orgId, { twoFactor: 'off' })).map((u) => u.id)).toEqual([who.adminId]);
    expect((await getUser(who.orgId, who.id))!.twoFactor).toBe(true);

    // A confirmed authenticator cannot be silently replaced.
    expect(await rejection(runMutation(asUser(who.orgId, who.id), (ctx) => startTwoFactorEnrollment(ctx)))).toMatchObject({
      code: 'conflict',
    });
  });

  it('is covered by key rotation: the seed moves to the new key and codes still work', async () => {
    const who = await userIn('rotate');
    const { secret } = await enroll(who);
    const old = currentKeyring();
    const key = randomBytes(32);
    const ring: Keyring = { primary: { id: 'totp-rotated', key }, keys: new Map([...old.keys, ['totp-rotated', key]]) };
    expect((await keyStatus(old)).some((u) => u.table === 'two_factor_credentials' && u.column === 'secret')).toBe(true);
    expect(await rewrapAll({ actor: { kind: 'cli' }, request: testRequest() }, ring, { organizationId: who.orgId })).toEqual({
      rewrapped: 1,
    });
    const [row] = await getDb().select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, who.id));
    expect(envelopeKeyId(row!.secret)).toBe('totp-rotated');
    expect(decryptSecret(row!.secret, { orgId: who.orgId, table: 'two_factor_credentials', column: 'secret', rowId: row!.id }, ring)).toBe(
      secret,
    );
    // Back onto the run's key: on Postgres every test file shares the database (and `keys status`).
    await rewrapAll(
      { actor: { kind: 'cli' }, request: testRequest() },
      { primary: old.primary, keys: ring.keys },
      { organizationId: who.orgId },
    );
  });
});

describe('sign-in with a second factor', () => {
  it('gives no session for the password alone; a code creates it, once, and LOGIN says how', async () => {
    const who = await userIn('verify');
    const { secret } = await enroll(who);
    const t = later(90);
    const token = await passwordStep(who, t);
    expect(await sessionsOf(who.id)).toHaveLength(0);
    expect(await findLiveChallenge(token, t)).toMatchObject({ kind: 'verify', userId: who.id, attemptsLeft: MAX_SECOND_FACTOR_ATTEMPTS });

    const code = totpCode(secret, t);
    const ok = await completeSecondFactor(token, code, testRequest(), t);
    expect(ok).toMatchObject({ ok: true, orgSlug: who.slug });
    if (!ok.ok) throw new Error('unreachable');
    const [session] = await sessionsOf(who.id);
    expect(session).toMatchObject({ id: ok.sessionId, authMethod: 'password', secondFactor: 'totp' });
    const login = (await auditRows(who.orgId)).find((e) => e.actionType === 'LOGIN');
    expect(login!.metadata).toEqual({ method: 'password', sessionId: ok.sessionId, secondFactor: 'totp' });

    // The challenge is used up, and the same code is refused in a new sign-in (replay).
    expect(await completeSecondFactor(token, code, testRequest(), t)).toEqual({ ok: false, reason: 'start_over' });
    const again = await passwordStep(who, later(1, t));
    expect(await completeSecondFactor(again, code, testRequest(), later(1, t))).toEqual({
      ok: false,
      reason: 'wrong_code',
      attemptsLeft: 4,
    });
    const failed = (await auditRows(who.orgId)).filter((e) => e.actionType === 'LOGIN_FAILED');
    expect(failed.map((e) => e.metadata.reason)).toEqual(['two_factor_code_reused']);
    expect(JSON.stringify(failed)).not.toContain(code);
    // The next step's code still works within the window.
    expect((await completeSecondFactor(again, totpCode(secret, later(31, t)), testRequest(), later(2, t))).ok).toBe(true);
  });

  it('accepts each recovery code once, audited with how many are left', async () => {
    const who = await userIn('recovery');
    const { codes } = await enroll(who);
    const first = await completeSecondFactor(await passwordStep(who), codes[3]!.toUpperCase(), testRequest());
    expect(first.ok).toBe(true);
    expect((await sessionsOf(who.id))[0]!.secondFactor).toBe('recovery_code');
    const used = (await auditRows(who.orgId)).filter((e) => e.actionType === 'RECOVERY_CODE_USED');
    expect(used.map((e) => e.metadata)).toEqual([
      { recoveryCodeId: expect.any(String), remaining: 9, during: 'sign_in', actor: 'anonymous' },
    ]);
    expect(await completeSecondFactor(await passwordStep(who), codes[3]!, testRequest())).toMatchObject({
      ok: false,
      reason: 'wrong_code',
    });
  });

  it('kills a pending sign-in after five wrong codes, and then slows the account down', async () => {
    const who = await userIn('attempts');
    const { secret } = await enroll(who);
    const t = later(90);
    const token = await passwordStep(who, t);
    for (let i = 1; i < MAX_SECOND_FACTOR_ATTEMPTS; i++) {
      expect(await completeSecondFactor(token, '000000', testRequest(), t)).toEqual({
        ok: false,
        reason: 'wrong_code',
        attemptsLeft: MAX_SECOND_FACTOR_ATTEMPTS - i,
      });
    }
    expect(await completeSecondFactor(token, '000000', testRequest(), t)).toEqual({ ok: false, reason: 'start_over' });
    // Dead: even the right code does not revive it.
    expect(await completeSecondFactor(token, totpCode(secret, t), testRequest(), t)).toEqual({ ok: false, reason: 'start_over' });
    expect(await sessionsOf(who.id)).toHaveLength(0);
    const reasons = (await auditRows(who.orgId)).filter((e) => e.actionType === 'LOGIN_FAILED').map((e) => e.metadata.reason);
    expect(reasons.filter((r) => r === 'wrong_two_factor_code')).toHaveLength(5);
    expect(reasons).toContain('two_factor_attempts_exhausted');

    // A fresh password step does not reset the account's second-factor throttle.
    const next = await passwordStep(who, later(0.5, t));
    // Opening a new one clears the user's finished challenges.
    expect(await getDb().select().from(signInChallenges).where(eq(signInChallenges.userId, who.id))).toHaveLength(1);
    expect(await completeSecondFactor(next, totpCode(secret, t), testRequest(), later(0.5, t))).toEqual({
      ok: false,
      reason: 'rate_limited',
      retryAfterSeconds: 1,
    });
    expect((await completeSecondFactor(next, totpCode(secret, t), testRequest(), later(2, t))).ok).toBe(true);
  });

  it('expires a pending sign-in after five minutes', async () => {
    const who = await userIn('expire');
    const { secret } = await enroll(who);
    const t = later(90);
    const token = await passwordStep(who, t);
    expect(await completeSecondFactor(token, totpCode(secret, later(301, t)), testRequest(), later(301, t))).toEqual({
      ok: false,
      reason: 'start_over',
    });
    expect(await completeSecondFactor(undefined, totpCode(secret, t), testRequest(), t)).toEqual({ ok: false, reason: 'start_over' });
    expect(await completeSecondFactor(`${token}x`, totpCode(secret, t), testRequest(), t)).toEqual({ ok: false, reason: 'start_over' });
  });
});

describe('turning two-factor off', () => {
  it('needs the password and a current code; refused while the organization requires it', async () => {
    const who = await userIn('disable');
    const { secret } = await enroll(who);
    const t = later(90);
    const as = () => asUser(who.orgId, who.id);
    expect(
      await rejection(runMutation(as(), (ctx) => disableOwnTwoFactor(ctx, { password: 'not the password', code: totpCode(secret, t) }, t))),
    ).toMatchObject({
      message: 'That password is not right.',
    });
    expect(
      await rejection(runMutation(as(), (ctx) => disableOwnTwoFactor(ctx, { password: who.password, code: '000000' }, t))),
    ).toMatchObject({ code: 'invalid_input' });

    await getDb()
      .update(organizations)
      .set({ settings: { requireTwoFactor: true } })
      .where(eq(organizations.id, who.orgId));
    expect(
      await rejection(runMutation(as(), (ctx) => disableOwnTwoFactor(ctx, { password: who.password, code: totpCode(secret, t) }, t))),
    ).toMatchObject({ code: 'forbidden' });
    await getDb().update(organizations).set({ settings: {} }).where(eq(organizations.id, who.orgId));

    await runMutation(as(), (ctx) => disableOwnTwoFactor(ctx, { password: who.password, code: totpCode(secret, t) }, t));
    expect(await getDb().select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, who.id))).toHaveLength(0);
    expect(await getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, who.id))).toHaveLength(0);
    const off = (await auditRows(who.orgId)).find((e) => e.actionType === 'DISABLE_TWO_FACTOR_AUTH');
    expect(off).toMatchObject({ userId: who.id, metadata: { targetUserId: who.id, by: 'self', sessionsRevoked: 0, tokensRevoked: 0 } });
    // Back to password only.
    expect(
      (await signInWithPassword({ orgSlug: who.slug, email: who.email, password: who.password }, testRequest({ ipAddress: null }))).ok,
    ).toBe(true);
  });

  it('ends the user’s other sessions and pending sign-ins, and keeps the one turning it off', async () => {
    const who = await userIn('offothers');
    const { secret } = await enroll(who);
    const t = later(90);
    const signInWithCode = async (at: Date) => {
      const done = await completeSecondFactor(await passwordStep(who, at), totpCode(secret, at), testRequest(), at);
      if (!done.ok) throw new Error('sign-in failed');
      return done.sessionId;
    };
    const current = await signInWithCode(t);
    const other = await signInWithCode(later(30, t));
    const pending = await passwordStep(who, later(31, t));
    const bystander = await makeUser(who.orgId, { label: 'bystander' });
    const theirs = await signInWithPassword(
      { orgSlug: who.slug, email: bystander.email, password: bystander.password },
      testRequest({ ipAddress: null }),
    );
    if (!theirs.ok) throw new Error('sign-in failed');

    const at = later(60, t);
    await runMutation(asUser(who.orgId, who.id, current), (ctx) =>
      disableOwnTwoFactor(ctx, { password: who.password, code: totpCode(secret, at) }, at),
    );
    expect((await sessionsOf(who.id)).map((s) => [s.id === current, s.revokedReason]).sort()).toEqual([
      [false, 'two_factor_disabled'],
      [true, null],
    ]);
    expect(other).not.toBe(current);
    expect(await findLiveChallenge(pending, later(1, at))).toBeNull();
    expect((await sessionsOf(bystander.id)).map((s) => s.revokedAt)).toEqual([null]);
    const off = (await auditRows(who.orgId)).find((e) => e.actionType === 'DISABLE_TWO_FACTOR_AUTH');
    expect(off!.metadata).toMatchObject({ by: 'self', sessionsRevoked: 1, tokensRevoked: 0 });
  });

  it('regenerating recovery codes needs a code and kills the old ones', async () => {
    const who = await userIn('regen');
    const { secret, codes } = await enroll(who);
    const t = later(90);
    expect(
      await rejection(runMutation(asUser(who.orgId, who.id), (ctx) => regenerateRecoveryCodes(ctx, { code: '000000' }, t))),
    ).toMatchObject({ code: 'invalid_input' });
    const fresh = await runMutation(asUser(who.orgId, who.id), (ctx) => regenerateRecoveryCodes(ctx, { code: totpCode(secret, t) }, t));
    expect(fresh.recoveryCodes).toHaveLength(10);
    expect(await completeSecondFactor(await passwordStep(who), codes[0]!, testRequest())).toMatchObject({
      ok: false,
      reason: 'wrong_code',
    });
    expect((await completeSecondFactor(await passwordStep(who), fresh.recoveryCodes[0]!, testRequest())).ok).toBe(true);
  });

  it('an admin reset revokes the user’s sessions and API tokens in the same transaction, audited', async () => {
    const who = await userIn('reset', { admin: true });
    const { secret } = await enroll(who);
    const t = later(90);
    const signedIn = await completeSecondFactor(await passwordStep(who, t), totpCode(secret, t), testRequest(), t);
    if (!signedIn.ok) throw new Error('sign-in failed');
    await runMutation(asUser(who.orgId, who.id), (ctx) =>
      createApiToken(ctx, createApiTokenInput.parse({ note: 'ci', scopes: ['users:read'] })),
    );
    const pending = await passwordStep(who, later(1, t));

    // Not for non-admins, not across organizations, not for yourself.
    const plain = await makeUser(who.orgId, { label: 'plain' });
    expect(await rejection(runMutation(asUser(who.orgId, plain.id), (ctx) => resetTwoFactor(ctx, { userId: who.id })))).toMatchObject({
      code: 'forbidden',
    });
    const other = await makeOrg('reset-other');
    expect(
      await rejection(runMutation(asUser(other.orgId, other.adminId), (ctx) => resetTwoFactor(ctx, { userId: who.id }))),
    ).toMatchObject({ code: 'not_found' });
    expect(await rejection(runMutation(asUser(who.orgId, who.id), (ctx) => resetTwoFactor(ctx, { userId: who.id })))).toMatchObject({
      code: 'invalid_input',
    });

    expect(
      await runMutation(asUser(who.orgId, who.adminId), (ctx) => resetTwoFactor(ctx, { userId: who.id, reason: 'lost phone' })),
    ).toEqual({ sessionsRevoked: 1, tokensRevoked: 1 });
    expect((await sessionsOf(who.id)).map((s) => [s.revokedAt !== null, s.revokedReason])).toEqual([[true, 'two_factor_reset']]);
    const tokens = await getDb()
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.organizationId, who.orgId), eq(apiTokens.createdBy, who.id)));
    expect(tokens.map((tk) => tk.revokedAt !== null)).toEqual([true]);
    expect(await completeSecondFactor(pending, totpCode(secret, later(31, t)), testRequest(), later(2, t))).toEqual({
      ok: false,
      reason: 'start_over',
    });
    const event = (await auditRows(who.orgId)).find((e) => e.actionType === 'DISABLE_TWO_FACTOR_AUTH');
    expect(event).toMatchObject({
      userId: who.adminId,
      metadata: { targetUserId: who.id, by: 'admin_reset', reason: 'lost phone', sessionsRevoked: 1, tokensRevoked: 1 },
    });
    expect(await rejection(runMutation(asUser(who.orgId, who.adminId), (ctx) => resetTwoFactor(ctx, { userId: who.id })))).toMatchObject({
      code: 'conflict',
    });

    // The operator (CLI) can reset too, e.g. when the only admin lost their device.
    await enroll(who);
    await runMutation({ orgId: who.orgId, actor: { kind: 'cli' }, request: testRequest() }, (ctx) =>
      resetTwoFactor(ctx, { userId: who.id }),
    );
    const byCli = (await auditRows(who.orgId)).filter((e) => e.actionType === 'DISABLE_TWO_FACTOR_AUTH').at(-1);
    expect(byCli!.metadata).toMatchObject({ by: 'admin_reset', actor: 'cli' });
  });
});

describe('organization-wide requirement', () => {
  it('is admin-only and audited, and makes users without 2FA enroll before they get a session', async () => {
    const who = await userIn('require');
    expect(
      await rejection(runMutation(asUser(who.orgId, who.id), (ctx) => setTwoFactorRequirement(ctx, { required: true }))),
    ).toMatchObject({ code: 'forbidden' });
    await runMutation(asUser(who.orgId, who.adminId), (ctx) => setTwoFactorRequirement(ctx, { required: true }));
    expect((await auditRows(who.orgId)).find((e) => e.actionType === 'TWO_FACTOR_REQUIREMENT_UPDATED')!.metadata).toEqual({
      before: false,
      after: true,
    });

    const token = await passwordStep(who);
    expect(await findLiveChallenge(token)).toMatchObject({ kind: 'enroll', passed: false });
    expect(await sessionsOf(who.id)).toHaveLength(0);
    // No session before the authenticator is confirmed, whatever is sent.
    await expect(completeSecondFactor(token, null, testRequest())).rejects.toThrow(/Set up your authenticator first/);
    await expect(completeSecondFactor(token, '123456', testRequest())).rejects.toThrow(/Set up your authenticator first/);

    const pending = await pendingEnrollment(who.orgId, who.id, { email: who.email, issuer: 'Gatehouse' });
    const secret = pending!.manualKey.replace(/ /g, '');
    await expect(confirmChallengeEnrollment(token, '000000', testRequest())).rejects.toThrow(/not right/);
    const { recoveryCodes: codes } = await confirmChallengeEnrollment(token, totpCode(secret), testRequest());
    expect(codes).toHaveLength(10);
    const done = await completeSecondFactor(token, null, testRequest());
    expect(done.ok).toBe(true);
    const enabled = (await auditRows(who.orgId)).find((e) => e.actionType === 'ENABLE_TWO_FACTOR_AUTH');
    expect(enabled!.metadata).toMatchObject({ via: 'sign_in' });
    const [challenge] = await getDb().select().from(signInChallenges).where(eq(signInChallenges.userId, who.id));
    expect(challenge!.consumedAt).not.toBeNull();

    // From now on, the normal second step applies.
    expect(await findLiveChallenge(await passwordStep(who))).toMatchObject({ kind: 'verify' });
  });
});
