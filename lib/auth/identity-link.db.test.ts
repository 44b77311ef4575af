// Linking an SSO or Google identity to the existing account with its email, only with proof:
// the account's password (and second factor when enrolled), through a request bound to the
// browser (its token), single-use, dead after 5 wrong answers. SSO against a real OpenID provider.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { googleIdentities, groupMembers, identityLinkRequests, sessions, ssoIdentities } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, testRequest, type TestOrg } from '@/lib/test/helpers';
import { PeerBrowser, startOidcPeer, type OidcPeer } from '@/lib/test/oidc-peer';
import { oidcRedirectUrl, saveSsoConnection } from '@/lib/sso/connections';
import { saveSsoConnectionInput } from '@/lib/sso/inputs';
import { getJackson } from '@/lib/sso/jackson';
import { completeSsoSignIn, startSsoSignIn } from '@/lib/sso/sign-in';
import { completeGoogleSignIn, googleSettingsInput, saveGoogleSettings } from './google';
import { completeIdentityLink, findPendingLink, MAX_LINK_ATTEMPTS } from './identity-link';
import { totpCode } from './totp';
import { confirmTwoFactorEnrollment, pendingEnrollment, startTwoFactorEnrollment } from './two-factor';

let peer: OidcPeer;
const savedGoogle = { id: process.env.GOOGLE_CLIENT_ID, secret: process.env.GOOGLE_CLIENT_SECRET };
beforeAll(async () => {
  peer = await startOidcPeer(oidcRedirectUrl());
  await getJackson();
  process.env.GOOGLE_CLIENT_ID = 'test-client';
  process.env.GOOGLE_CLIENT_SECRET = 'test-secret';
});
afterAll(async () => {
  await peer.close();
  for (const [k, v] of [
    ['GOOGLE_CLIENT_ID', savedGoogle.id],
    ['GOOGLE_CLIENT_SECRET', savedGoogle.secret],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function connect(org: TestOrg, extra: Record<string, string> = {}) {
  const input = saveSsoConnectionInput.parse({
    discoveryUrl: peer.discoveryUrl,
    clientId: peer.clientId,
    clientSecret: peer.clientSecret,
    jitEnabled: 'on',
    ...extra,
  });
  return runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, input));
}

/** An IdP account asserting `email` (the existing account's, in another case). */
function idpAccount(email: string, groups?: string[]) {
  const sub = `link-${Math.random().toString(36).slice(2)}`;
  peer.accounts.set(sub, { sub, email: email.toUpperCase(), name: 'Linda Link', ...(groups ? { groups } : {}) });
  return sub;
}

async function ssoSignIn(org: TestOrg, sub: string) {
  const start = await startSsoSignIn(org.slug);
  const callback = await new PeerBrowser().signIn(start!.redirectUrl, sub, oidcRedirectUrl());
  return completeSsoSignIn(Object.fromEntries(callback.searchParams), start!.binding, testRequest());
}

async function linkToken(result: Awaited<ReturnType<typeof ssoSignIn>>): Promise<string> {
  expect(result).toMatchObject({ ok: false, reason: 'email_taken', linkToken: expect.any(String) });
  return (result as { linkToken: string }).linkToken;
}

const identitiesOf = (userId: string) => getDb().select().from(ssoIdentities).where(eq(ssoIdentities.userId, userId));
const groupsOf = async (userId: string) =>
  (await getDb().select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId))).map((r) => r.g);

describe('linking an SSO identity with proof', () => {
  it('refuses on the email alone, then links with the password and signs in with SSO', async () => {
    const org = await makeOrg('lnk');
    await connect(org);
    const existing = await makeUser(org.orgId, { label: 'lnk' });
    const sub = idpAccount(existing.email);

    const token = await linkToken(await ssoSignIn(org, sub));
    expect(await identitiesOf(existing.id)).toHaveLength(0);
    expect(await getDb().select().from(sessions).where(eq(sessions.userId, existing.id))).toHaveLength(0);
    expect((await auditRows(org.orgId)).filter((r) => r.actionType === 'LOGIN_FAILED').at(-1)?.metadata).toMatchObject({
      method: 'sso',
      reason: 'email_taken',
      subject: sub,
    });
    // The token is stored hashed only.
    expect(
      JSON.stringify(await getDb().select().from(identityLinkRequests).where(eq(identityLinkRequests.userId, existing.id))),
    ).not.toContain(token);
    expect(await findPendingLink(token)).toEqual({
      provider: 'sso',
      email: existing.email,
      orgSlug: org.slug,
      orgName: expect.any(String),
      needsCode: false,
    });

    // Another browser (no token, or another token) has nothing to complete.
    expect(await completeIdentityLink(undefined, { password: existing.password }, testRequest())).toEqual({
      ok: false,
      reason: 'start_over',
    });
    expect(await completeIdentityLink(`${token}x`, { password: existing.password }, testRequest())).toEqual({
      ok: false,
      reason: 'start_over',
    });

    expect(await completeIdentityLink(token, { password: 'not-the-password' }, testRequest())).toEqual({
      ok: false,
      reason: 'wrong_credentials',
      attemptsLeft: MAX_LINK_ATTEMPTS - 1,
    });
    expect((await auditRows(org.orgId)).filter((r) => r.actionType === 'LOGIN_FAILED').at(-1)?.metadata).toMatchObject({
      method: 'password',
      reason: 'wrong_password',
      email: existing.email,
    });
    expect(await identitiesOf(existing.id)).toHaveLength(0);

    const linked = await completeIdentityLink(token, { password: existing.password }, testRequest());
    expect(linked).toMatchObject({ ok: true, orgSlug: org.slug });
    if (!linked.ok) return;
    const [identity] = await identitiesOf(existing.id);
    expect(identity).toMatchObject({ subject: sub, organizationId: org.orgId });
    const [session] = await getDb().select().from(sessions).where(eq(sessions.id, linked.sessionId));
    expect(session).toMatchObject({ userId: existing.id, authMethod: 'sso' });
    const events = await auditRows(org.orgId);
    expect(events.find((e) => e.actionType === 'LINK_SSO_IDENTITY')?.metadata).toMatchObject({
      method: 'sso',
      subject: sub,
      targetUserId: existing.id,
      connectionId: identity!.connectionId,
    });
    expect(events.at(-1)).toMatchObject({ actionType: 'LOGIN', metadata: { method: 'sso', sessionId: linked.sessionId } });

    // Single use.
    expect(await completeIdentityLink(token, { password: existing.password }, testRequest())).toEqual({ ok: false, reason: 'start_over' });
    expect(await findPendingLink(token)).toBeNull();
    // The next SSO sign-in goes straight in.
    expect(await ssoSignIn(org, sub)).toMatchObject({ ok: true });
  });

  it('requires the second factor when the account has one, and dies after 5 wrong answers', async () => {
    const org = await makeOrg('lnk2fa');
    await connect(org);
    const existing = await makeUser(org.orgId, { label: 'lnk2fa' });
    await runMutation(asUser(org.orgId, existing.id), (ctx) => startTwoFactorEnrollment(ctx));
    const secret = (await pendingEnrollment(org.orgId, existing.id, { email: existing.email, issuer: 'Gatehouse' }))!.manualKey.replace(
      / /g,
      '',
    );
    await runMutation(asUser(org.orgId, existing.id), (ctx) => confirmTwoFactorEnrollment(ctx, { code: totpCode(secret) }));
    const sub = idpAccount(existing.email);

    const token = await linkToken(await ssoSignIn(org, sub));
    expect(await findPendingLink(token)).toMatchObject({ needsCode: true });
    // The right password alone is not enough.
    expect(await completeIdentityLink(token, { password: existing.password }, testRequest())).toMatchObject({
      ok: false,
      reason: 'wrong_credentials',
    });
    expect(await completeIdentityLink(token, { password: existing.password, code: '000000' }, testRequest())).toMatchObject({
      ok: false,
      reason: 'wrong_credentials',
    });
    const linked = await completeIdentityLink(
      token,
      { password: existing.password, code: totpCode(secret, new Date(Date.now() + 30_000)) },
      testRequest(),
    );
    expect(linked).toMatchObject({ ok: true });
    expect((await auditRows(org.orgId)).find((e) => e.actionType === 'LINK_SSO_IDENTITY')?.metadata).toMatchObject({
      secondFactor: 'totp',
    });

    // A fresh request (another IdP subject with the same email) dies after MAX wrong answers.
    const other = idpAccount(existing.email);
    const token2 = await linkToken(await ssoSignIn(org, other));
    for (let i = 1; i < MAX_LINK_ATTEMPTS; i++)
      expect(await completeIdentityLink(token2, { password: `wrong-${i}` }, testRequest())).toMatchObject({ reason: 'wrong_credentials' });
    expect(await completeIdentityLink(token2, { password: 'wrong-last' }, testRequest())).toEqual({ ok: false, reason: 'start_over' });
  });

  it('applies the connection’s group mappings when the link completes, as at every SSO sign-in', async () => {
    const org = await makeOrg('lnkmap');
    const engineers = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Engineers' }));
    await connect(org, { groupMappings: 'eng => Engineers' });
    const existing = await makeUser(org.orgId, { label: 'lnkmap' });
    const sub = idpAccount(existing.email, ['eng']);
    const token = await linkToken(await ssoSignIn(org, sub));
    // Nothing is applied before the proof.
    expect(await groupsOf(existing.id)).not.toContain(engineers.id);
    expect(await completeIdentityLink(token, { password: existing.password }, testRequest())).toMatchObject({ ok: true });
    expect(await groupsOf(existing.id)).toContain(engineers.id);
    const events = await auditRows(org.orgId);
    expect(events.find((e) => e.actionType === 'SSO_GROUP_MAPPING_APPLIED')?.metadata).toMatchObject({
      targetUserId: existing.id,
      idpGroups: ['eng'],
      added: [{ groupId: engineers.id, groupName: 'Engineers' }],
    });
  });

  it('offers no link for an account without a password (nothing to prove it with)', async () => {
    const org = await makeOrg('lnknopw');
    await connect(org);
    const first = idpAccount(`nopw-${Math.random().toString(36).slice(2)}@idp.test`);
    expect(await ssoSignIn(org, first)).toMatchObject({ ok: true });
    // Another IdP subject asserting the JIT user's email: that user has no password.
    const email = peer.accounts.get(first)!.email!;
    expect(await ssoSignIn(org, idpAccount(email))).toEqual({ ok: false, reason: 'email_taken' });
  });
});

describe('linking a Google identity with proof', () => {
  it('links with the password and signs in with Google', async () => {
    const org = await makeOrg('glnk');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      saveGoogleSettings(ctx, googleSettingsInput.parse({ enabled: 'on', allowedDomains: '', defaultGroupId: '' })),
    );
    const existing = await makeUser(org.orgId, { label: 'glnk' });
    const nonce = 'n'.repeat(32);
    const times = { iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 };
    const claims = { sub: `10${Date.now()}`, email: existing.email, email_verified: true, given_name: 'G', nonce, ...times };
    const refused = await completeGoogleSignIn(claims, { orgId: org.orgId, nonce }, testRequest());
    expect(refused).toMatchObject({ ok: false, reason: 'email_taken', orgSlug: org.slug, linkToken: expect.any(String) });
    const token = (refused as { linkToken: string }).linkToken;
    expect(await findPendingLink(token)).toMatchObject({ provider: 'google' });
    const linked = await completeIdentityLink(token, { password: existing.password }, testRequest());
    expect(linked).toMatchObject({ ok: true });
    expect(
      await getDb()
        .select()
        .from(googleIdentities)
        .where(and(eq(googleIdentities.organizationId, org.orgId), eq(googleIdentities.userId, existing.id))),
    ).toHaveLength(1);
    expect((await auditRows(org.orgId)).find((e) => e.actionType === 'LINK_SSO_IDENTITY')?.metadata).toMatchObject({
      method: 'google',
      connectionId: null,
      subject: claims.sub,
    });
    expect(await completeGoogleSignIn(claims, { orgId: org.orgId, nonce }, testRequest())).toMatchObject({ ok: true });
  });
});
