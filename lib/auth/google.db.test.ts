// Sign in with Google: the decision after next-auth has verified Google's ID token. The browser
// binding names the organization; email only when verified; the hd domain restriction; no linking
// by email; JIT and the default group; identities keyed by (organization, subject).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { getDb } from '@/db';
import { googleIdentities, groupMembers, sessions, users } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { getUser } from '@/lib/users/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import {
  completeGoogleSignIn,
  googleSettingsInput,
  openGoogleBinding,
  saveGoogleSettings,
  sealGoogleBinding,
  type GoogleClaims,
} from './google';

const saved = { id: process.env.GOOGLE_CLIENT_ID, secret: process.env.GOOGLE_CLIENT_SECRET };
beforeAll(() => {
  process.env.GOOGLE_CLIENT_ID = 'test-client';
  process.env.GOOGLE_CLIENT_SECRET = 'test-secret';
});
afterAll(() => {
  for (const [k, v] of [
    ['GOOGLE_CLIENT_ID', saved.id],
    ['GOOGLE_CLIENT_SECRET', saved.secret],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function enable(org: TestOrg, form: Record<string, string> = {}) {
  const input = googleSettingsInput.parse({ enabled: 'on', allowedDomains: '', defaultGroupId: '', ...form });
  await runMutation(asUser(org.orgId, org.adminId), (ctx) => saveGoogleSettings(ctx, input));
}

/** The nonce this browser's binding sent; every ID token below carries it unless a test says otherwise. */
const NONCE = 'a-nonce-of-thirty-two-characters-or-more';
let n = 0;
function googler(extra: Partial<GoogleClaims> = {}): GoogleClaims {
  n += 1;
  const sub = `10${Date.now()}${n}`;
  const now = Math.floor(Date.now() / 1000);
  return {
    sub,
    email: `person${n}-${sub}@gmail.test`,
    email_verified: true,
    given_name: 'Grace',
    family_name: 'Hopper',
    nonce: NONCE,
    iat: now,
    exp: now + 3600,
    ...extra,
  };
}

const signIn = (org: TestOrg, claims: GoogleClaims) => completeGoogleSignIn(claims, { orgId: org.orgId, nonce: NONCE }, testRequest());
const lastFailure = async (orgId: string) => (await auditRows(orgId)).filter((r) => r.actionType === 'LOGIN_FAILED').at(-1)?.metadata;

describe('Google sign-in settings', () => {
  it('are for admins, validate domains, and are audited with before and after', async () => {
    const org = await makeOrg('gset');
    const member = await makeUser(org.orgId);
    const input = googleSettingsInput.parse({ enabled: 'on', allowedDomains: 'Example.com\nexample.org', defaultGroupId: '' });
    expect(input.allowedDomains).toEqual(['example.com', 'example.org']);
    expect((await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => saveGoogleSettings(ctx, input)))).code).toBe('forbidden');
    expect(googleSettingsInput.safeParse({ allowedDomains: 'not a domain' }).error?.issues[0]?.message).toMatch(/domains like example.com/);
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => saveGoogleSettings(ctx, input));
    const event = (await auditRows(org.orgId)).find((e) => e.actionType === 'GOOGLE_SIGN_IN_UPDATED')!;
    expect(event.metadata).toEqual({
      before: { enabled: false, allowedDomains: [], jitEnabled: false, defaultGroupId: null },
      after: { enabled: true, allowedDomains: ['example.com', 'example.org'], jitEnabled: false, defaultGroupId: null },
    });
  });

  it('cannot be turned on without the instance’s Google client', async () => {
    const org = await makeOrg('gnoclient');
    delete process.env.GOOGLE_CLIENT_ID;
    try {
      const input = googleSettingsInput.parse({ enabled: 'on' });
      expect((await rejection(runMutation(asUser(org.orgId, org.adminId), (ctx) => saveGoogleSettings(ctx, input)))).message).toMatch(
        /GOOGLE_CLIENT_ID/,
      );
    } finally {
      process.env.GOOGLE_CLIENT_ID = 'test-client';
    }
  });
});

describe('completeGoogleSignIn', () => {
  it('provisions (JIT) into the default group, then signs the same identity in again, audited as LOGIN google', async () => {
    const org = await makeOrg('gjit');
    const readers = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Readers' }));
    await enable(org, { jitEnabled: 'on', defaultGroupId: readers.id });
    const claims = googler();
    const first = await signIn(org, claims);
    expect(first).toMatchObject({ ok: true, orgSlug: org.slug });
    if (!first.ok) return;
    const [session] = await getDb().select().from(sessions).where(eq(sessions.id, first.sessionId));
    expect(session!.authMethod).toBe('google');
    const [user] = await getDb().select().from(users).where(eq(users.id, session!.userId));
    expect(user).toMatchObject({ email: claims.email, firstName: 'Grace', lastName: 'Hopper', passwordHash: null });
    expect((await getDb().select().from(groupMembers).where(eq(groupMembers.userId, user!.id))).map((m) => m.groupId)).toEqual([
      readers.id,
    ]);
    expect((await getUser(org.orgId, user!.id))?.signInMethods).toEqual(['google']);

    // Google changed the email: the subject is what identifies the person.
    const again = await signIn(org, { ...claims, email: 'renamed@gmail.test' });
    expect(again).toMatchObject({ ok: true });
    expect(await getDb().select().from(googleIdentities).where(eq(googleIdentities.userId, user!.id))).toHaveLength(1);
    const types = (await auditRows(org.orgId)).map((e) => e.actionType);
    expect(types.filter((t) => t === 'GOOGLE_JIT_USER_CREATED')).toHaveLength(1);
    expect((await auditRows(org.orgId)).filter((e) => e.actionType === 'LOGIN').at(-1)!.metadata).toMatchObject({ method: 'google' });
  });

  it('stores names with characters Postgres cannot store replaced by U+FFFD', async () => {
    const org = await makeOrg('gnul');
    await enable(org, { jitEnabled: 'on' });
    const claims = googler({ given_name: 'Gr\u0000ace', family_name: 'Hop\udc00per' });
    const result = await signIn(org, claims);
    expect(result).toMatchObject({ ok: true });
    const [user] = await getDb()
      .select()
      .from(users)
      .where(eq(users.email, String(claims.email)));
    expect(user).toMatchObject({ firstName: 'Gr\ufffdace', lastName: 'Hop\ufffdper' });
  });

  it('refuses an ID token without this sign-in’s nonce, or outside its times, with the reason in LOGIN_FAILED', async () => {
    const org = await makeOrg('gtoken');
    await enable(org, { jitEnabled: 'on' });
    const now = Math.floor(Date.now() / 1000);
    const cases: [Partial<GoogleClaims>, string][] = [
      [{ nonce: undefined }, 'id_token_nonce_missing'],
      [{ nonce: 'another-sign-in-s-nonce-of-thirty-two-chars' }, 'id_token_nonce_mismatch'],
      [{ iat: now + 3600, exp: now + 7200 }, 'id_token_issued_in_future'],
      [{ iat: now - 7200, exp: now - 3600 }, 'id_token_expired'],
      [{ nbf: now + 3600 }, 'id_token_not_yet_valid'],
    ];
    for (const [extra, reason] of cases) {
      const claims = googler(extra);
      expect(await signIn(org, claims)).toEqual({ ok: false, reason, orgSlug: org.slug });
      expect(await lastFailure(org.orgId)).toMatchObject({ method: 'google', reason, subject: claims.sub, email: claims.email });
    }
    expect(await getDb().select().from(users).where(eq(users.organizationId, org.orgId))).toHaveLength(1);
    expect(await getDb().select().from(sessions).where(eq(sessions.organizationId, org.orgId))).toHaveLength(0);
    expect(await signIn(org, googler({ iat: now + 60 }))).toMatchObject({ ok: true });
  });

  it('refuses an unverified email, and a domain the organization does not allow', async () => {
    const org = await makeOrg('gverify');
    await enable(org, { jitEnabled: 'on', allowedDomains: 'corp.test' });
    const unverified = googler({ email_verified: false, hd: 'corp.test' });
    expect(await signIn(org, unverified)).toEqual({ ok: false, reason: 'email_not_verified', orgSlug: org.slug });
    expect(await signIn(org, googler({ email_verified: 'true', hd: 'corp.test' }))).toMatchObject({ reason: 'email_not_verified' });
    expect(await signIn(org, googler())).toMatchObject({ ok: false, reason: 'domain_not_allowed' });
    const other = googler({ hd: 'other.test' });
    expect(await signIn(org, other)).toMatchObject({ ok: false, reason: 'domain_not_allowed' });
    expect(await lastFailure(org.orgId)).toMatchObject({
      method: 'google',
      reason: 'domain_not_allowed',
      subject: other.sub,
      email: other.email,
      hd: 'other.test',
    });
    expect(await signIn(org, googler({ hd: 'CORP.test' }))).toMatchObject({ ok: true });
    expect(await getDb().select().from(users).where(eq(users.organizationId, org.orgId))).toHaveLength(2);
  });

  it('never links to an existing account by email, and refuses unknown people when JIT is off', async () => {
    const org = await makeOrg('glink');
    await enable(org);
    const lookalike = googler({ email: org.email.toUpperCase() });
    expect(await signIn(org, lookalike)).toMatchObject({ ok: false, reason: 'email_taken' });
    expect(await getDb().select().from(googleIdentities).where(eq(googleIdentities.organizationId, org.orgId))).toHaveLength(0);
    expect(await signIn(org, googler())).toMatchObject({ ok: false, reason: 'unknown_user' });
    expect(await getDb().select().from(sessions).where(eq(sessions.organizationId, org.orgId))).toHaveLength(0);
  });

  it('keeps identities per organization, and refuses without a binding, when off, disabled', async () => {
    const a = await makeOrg('gorga');
    const b = await makeOrg('gorgb');
    await enable(a, { jitEnabled: 'on' });
    const claims = googler();
    expect(await signIn(a, claims)).toMatchObject({ ok: true });
    // The same Google account at an organization that has Google off.
    expect(await signIn(b, claims)).toMatchObject({ ok: false, reason: 'not_enabled' });
    expect(await completeGoogleSignIn(claims, null, testRequest())).toEqual({ ok: false, reason: 'missing_state', orgSlug: null });

    const [identity] = await getDb().select().from(googleIdentities).where(eq(googleIdentities.organizationId, a.orgId));
    await getDb().update(users).set({ disabledAt: new Date() }).where(eq(users.id, identity!.userId));
    expect(await signIn(a, claims)).toMatchObject({ ok: false, reason: 'user_disabled' });
  });

  it('seals the organization into a cookie value only this server can open', async () => {
    const org = await makeOrg('gseal');
    // On Postgres the auth secret must come from the environment, as in production.
    const before = process.env.NEXTAUTH_SECRET;
    process.env.NEXTAUTH_SECRET ??= 'a test secret of sufficient length for sealing';
    onTestFinished(() => {
      if (before === undefined) delete process.env.NEXTAUTH_SECRET;
    });
    const sealed = await sealGoogleBinding(org.orgId);
    const opened = await openGoogleBinding(sealed);
    expect(opened).toEqual({ orgId: org.orgId, nonce: expect.stringMatching(/^.{32,}$/) });
    // Every sign-in started sends a fresh nonce.
    expect((await openGoogleBinding(await sealGoogleBinding(org.orgId)))?.nonce).not.toBe(opened!.nonce);
    expect(await openGoogleBinding(`${sealed.slice(0, -4)}AAAA`)).toBeNull();
    expect(await openGoogleBinding(undefined)).toBeNull();
  });
});
