// Enforce SSO with break-glass admins: the 24-hour proof of a working SSO sign-in, the refusals of
// password sign-in (the same answer whether or not the email exists), break-glass admins who must
// keep their two-factor, invitations, and API tokens that keep working. Real SSO sign-ins go
// through a local OpenID provider and the embedded Jackson.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { organizations, permissionGroups, sessions } from '@/db/schema';
import { authenticateApiToken } from '@/lib/api-tokens/reads';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { removeUsersFromGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { deleteSsoConnection, oidcRedirectUrl, saveSsoConnection } from '@/lib/sso/connections';
import { saveSsoConnectionInput } from '@/lib/sso/inputs';
import { getJackson } from '@/lib/sso/jackson';
import { completeSsoSignIn, startSsoSignIn } from '@/lib/sso/sign-in';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import { PeerBrowser, startOidcPeer, type OidcPeer } from '@/lib/test/oidc-peer';
import { inviteUser, redeemInvite } from '@/lib/users/invites';
import { completeSecondFactor } from './challenge';
import { signInWithPassword } from './sign-in';
import { SSO_PROOF_WINDOW_MS, listBreakGlassCandidates, setBreakGlassAdmin, setSsoEnforcement } from './sso-enforcement';
import { totpCode } from './totp';
import { confirmTwoFactorEnrollment, pendingEnrollment, resetTwoFactor, startTwoFactorEnrollment } from './two-factor';

let peer: OidcPeer;
beforeAll(async () => {
  peer = await startOidcPeer(oidcRedirectUrl());
  await getJackson();
});
afterAll(() => peer.close());

const admin = (org: TestOrg) => asUser(org.orgId, org.adminId);

async function connect(org: TestOrg) {
  const input = saveSsoConnectionInput.parse({
    discoveryUrl: peer.discoveryUrl,
    clientId: peer.clientId,
    clientSecret: peer.clientSecret,
    jitEnabled: 'on',
  });
  await runMutation(admin(org), (ctx) => saveSsoConnection(ctx, input));
}

/** A real SSO sign-in of a new (JIT) user at the local provider; returns the session id. */
async function ssoSignIn(org: TestOrg): Promise<string> {
  const sub = `sso-${Math.random().toString(36).slice(2)}`;
  peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name: 'Sso Person', groups: [] });
  const start = await startSsoSignIn(org.slug);
  const callback = await new PeerBrowser().signIn(start!.redirectUrl, sub, oidcRedirectUrl());
  const result = await completeSsoSignIn(Object.fromEntries(callback.searchParams), start!.binding, testRequest());
  if (!result.ok) throw new Error(`SSO sign-in failed: ${result.reason}`);
  return result.sessionId;
}

async function enroll(orgId: string, userId: string, email: string): Promise<string> {
  await runMutation(asUser(orgId, userId), (ctx) => startTwoFactorEnrollment(ctx));
  const secret = (await pendingEnrollment(orgId, userId, { email, issuer: 'Gatehouse' }))!.manualKey.replace(/ /g, '');
  await runMutation(asUser(orgId, userId), (ctx) => confirmTwoFactorEnrollment(ctx, { code: totpCode(secret) }));
  return secret;
}

const password = (slug: string, email: string, pw: string) =>
  signInWithPassword({ orgSlug: slug, email, password: pw }, testRequest({ ipAddress: null }));
const failures = async (orgId: string) =>
  (await auditRows(orgId)).filter((e) => e.actionType === 'LOGIN_FAILED').map((e) => e.metadata.reason);

/** An organization with a working SSO connection, a recent SSO sign-in, and SSO enforced. */
async function enforcedOrg(label: string) {
  const org = await makeOrg(label);
  await connect(org);
  await ssoSignIn(org);
  await runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true }));
  return org;
}

describe('enforcing SSO', () => {
  it('is refused without a connection, and without an SSO sign-in in the last 24 hours', async () => {
    const org = await makeOrg('enfpre');
    expect((await rejection(runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true })))).message).toMatch(
      /SSO connection/,
    );
    await connect(org);
    expect((await rejection(runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true })))).message).toMatch(
      /last 24 hours/,
    );

    const sessionId = await ssoSignIn(org);
    // A day and a bit later the proof is stale.
    const dayLater = new Date(Date.now() + SSO_PROOF_WINDOW_MS + 60_000);
    expect((await rejection(runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true }, dayLater)))).message).toMatch(
      /last 24 hours/,
    );
    // A password session does not count as proof.
    expect((await password(org.slug, org.email, org.password)).ok).toBe(true);
    await getDb().delete(sessions).where(eq(sessions.id, sessionId));
    expect((await rejection(runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true })))).message).toMatch(
      /last 24 hours/,
    );

    await ssoSignIn(org);
    await runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true }));
    const [row] = await getDb().select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, org.orgId));
    expect(row!.settings.enforceSso).toBe(true);
    await runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: false }));
    const events = (await auditRows(org.orgId)).filter((e) => e.actionType === 'SSO_ENFORCED').map((e) => e.metadata);
    expect(events).toEqual([
      { before: false, after: true },
      { before: true, after: false },
    ]);
  });

  it('is for admins only, and the connection cannot be deleted while enforced', async () => {
    const org = await enforcedOrg('enfadm');
    const member = await makeUser(org.orgId);
    expect((await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => setSsoEnforcement(ctx, { enforced: false })))).code).toBe(
      'forbidden',
    );
    expect((await rejection(runMutation(admin(org), (ctx) => deleteSsoConnection(ctx)))).message).toMatch(/turn enforcement off/);
  });
});

describe('password sign-in while SSO is enforced', () => {
  it('refuses everyone with the same answer, whether or not the email exists, and audits the reason', async () => {
    const org = await enforcedOrg('enfpw');
    const member = await makeUser(org.orgId);
    const results = [
      await password(org.slug, org.email, org.password),
      await password(org.slug, member.email, member.password),
      await password(org.slug, member.email, 'wrong password!'),
      await password(org.slug, 'nobody@nowhere.test', 'wrong password!'),
    ];
    for (const r of results) expect(r).toEqual({ ok: false, reason: 'sso_enforced' });
    expect(await failures(org.orgId)).toEqual(['sso_enforced', 'sso_enforced', 'wrong_password', 'unknown_user']);
    const live = await getDb().select().from(sessions).where(eq(sessions.organizationId, org.orgId));
    // Only the SSO sign-in that let enforcement turn on.
    expect(live.map((s) => s.authMethod)).toEqual(['sso']);
  });

  it('lets a break-glass admin in with password and code, and stops when their 2FA is reset', async () => {
    const org = await enforcedOrg('enfbg');
    const other = await makeUser(org.orgId, { admin: true, label: 'bg' });
    // Designation needs two-factor.
    const refused = await rejection(runMutation(admin(org), (ctx) => setBreakGlassAdmin(ctx, { userId: other.id, designated: true })));
    expect(refused.message).toMatch(/two-factor/);
    const secret = await enroll(org.orgId, other.id, other.email);
    await runMutation(admin(org), (ctx) => setBreakGlassAdmin(ctx, { userId: other.id, designated: true }));
    expect(
      (
        await listBreakGlassCandidates(
          org.orgId,
          (await getDb().select().from(organizations).where(eq(organizations.id, org.orgId)))[0]!.settings,
        )
      ).find((c) => c.userId === other.id),
    ).toMatchObject({ designated: true, twoFactor: true });

    const step = await password(org.slug, other.email, other.password);
    expect(step).toMatchObject({ ok: false, reason: 'second_factor_required' });
    if (step.ok || step.reason !== 'second_factor_required') return;
    // The enrollment used this step's code; the next step's is accepted (±1 step), once.
    const now = new Date();
    const done = await completeSecondFactor(
      step.challengeToken,
      totpCode(secret, new Date(now.getTime() + 31_000)),
      testRequest(),
      new Date(now.getTime() + 2_000),
    );
    expect(done).toMatchObject({ ok: true });
    // A wrong password of a break-glass admin gets the same answer as anyone's.
    expect(await password(org.slug, other.email, 'wrong password!')).toEqual({ ok: false, reason: 'sso_enforced' });

    // An admin resets their two-factor: the password alone no longer opens the door.
    await runMutation(admin(org), (ctx) => resetTwoFactor(ctx, { userId: other.id }));
    expect(await password(org.slug, other.email, other.password)).toEqual({ ok: false, reason: 'sso_enforced' });
    expect((await failures(org.orgId)).at(-1)).toBe('break_glass_without_two_factor');

    const changes = (await auditRows(org.orgId)).filter((e) => e.actionType === 'BREAK_GLASS_ADMIN_UPDATED').map((e) => e.metadata);
    expect(changes).toEqual([{ targetUserId: other.id, email: other.email, designated: true }]);
    await runMutation(admin(org), (ctx) => setBreakGlassAdmin(ctx, { userId: other.id, designated: false }));
    expect((await auditRows(org.orgId)).filter((e) => e.actionType === 'BREAK_GLASS_ADMIN_UPDATED').at(-1)!.metadata).toMatchObject({
      designated: false,
    });
  });

  it('refuses to designate a non-admin, and refuses a designated admin who is no longer an admin', async () => {
    const org = await enforcedOrg('enfna');
    const member = await makeUser(org.orgId);
    await enroll(org.orgId, member.id, member.email);
    expect(
      (await rejection(runMutation(admin(org), (ctx) => setBreakGlassAdmin(ctx, { userId: member.id, designated: true })))).message,
    ).toMatch(/Only active admins/);
    const stranger = await makeOrg('enfna2');
    expect(
      (await rejection(runMutation(admin(org), (ctx) => setBreakGlassAdmin(ctx, { userId: stranger.adminId, designated: true })))).code,
    ).toBe('not_found');

    const former = await makeUser(org.orgId, { admin: true, label: 'former' });
    await enroll(org.orgId, former.id, former.email);
    await runMutation(admin(org), (ctx) => setBreakGlassAdmin(ctx, { userId: former.id, designated: true }));
    const [adminGroup] = await getDb()
      .select({ id: permissionGroups.id })
      .from(permissionGroups)
      .where(and(eq(permissionGroups.organizationId, org.orgId), eq(permissionGroups.builtin, 'admin')));
    await runMutation(admin(org), (ctx) => removeUsersFromGroup(ctx, { groupId: adminGroup!.id, userIds: [former.id] }));
    expect(await password(org.slug, former.email, former.password)).toEqual({ ok: false, reason: 'sso_enforced' });
    expect((await failures(org.orgId)).at(-1)).toBe('break_glass_not_admin');
  });

  it('starts over password sign-ins waiting for their code when enforcement turns on', async () => {
    const org = await makeOrg('enfpend');
    await connect(org);
    const user = await makeUser(org.orgId, { label: 'pend' });
    const secret = await enroll(org.orgId, user.id, user.email);
    const step = await password(org.slug, user.email, user.password);
    if (step.ok || step.reason !== 'second_factor_required') throw new Error('expected a second step');
    await ssoSignIn(org);
    await runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true }));
    expect(await completeSecondFactor(step.challengeToken, totpCode(secret), testRequest())).toEqual({ ok: false, reason: 'start_over' });
  });
});

describe('other ways in while SSO is enforced', () => {
  it('keeps API tokens working, and turns invitations off with a clear message', async () => {
    const org = await makeOrg('enfapi');
    const token = await runMutation(admin(org), (ctx) =>
      createApiToken(ctx, createApiTokenInput.parse({ note: 'ci', scopes: ['users:read'] })),
    );
    const invite = await runMutation(admin(org), (ctx) => inviteUser(ctx, { email: 'late@invite.test', groupIds: [] }));
    await connect(org);
    await ssoSignIn(org);
    await runMutation(admin(org), (ctx) => setSsoEnforcement(ctx, { enforced: true }));

    expect(await authenticateApiToken(token.token)).toMatchObject({ orgId: org.orgId, userId: org.adminId });
    const anon = { orgId: null, actor: { kind: 'anonymous' as const }, request: testRequest() };
    expect(
      (
        await rejection(
          runMutation(anon, (ctx) =>
            redeemInvite(ctx, { token: invite.token, firstName: 'L', lastName: 'I', password: 'a long password 1' }),
          ),
        )
      ).message,
    ).toMatch(/signs in with SSO/);
    expect(
      (await rejection(runMutation(admin(org), (ctx) => inviteUser(ctx, { email: 'new@invite.test', groupIds: [] })))).message,
    ).toMatch(/signs in with SSO/);
  });
});
