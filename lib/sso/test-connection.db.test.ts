// "Test connection" against a real OpenID provider on localhost: the report shows the claims and
// what a sign-in would do, creates no session and changes nothing but its audit event, and works
// only for the admin (and organization) that started it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sessions, ssoIdentities, users } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, testRequest, type TestOrg } from '@/lib/test/helpers';
import { PeerBrowser, startOidcPeer, type OidcPeer } from '@/lib/test/oidc-peer';
import { oidcRedirectUrl, saveSsoConnection } from './connections';
import { saveSsoConnectionInput } from './inputs';
import { getJackson } from './jackson';
import { completeSsoSignIn } from './sign-in';
import { completeSsoTest, startSsoTest } from './test-connection';

let peer: OidcPeer;
beforeAll(async () => {
  peer = await startOidcPeer(oidcRedirectUrl());
  await getJackson();
});
afterAll(() => peer.close());

async function testAs(org: TestOrg, userId: string, login: string) {
  const start = await startSsoTest(org.slug, userId);
  const callback = await new PeerBrowser().signIn(start!.redirectUrl, login, oidcRedirectUrl());
  return { binding: start!.binding, params: Object.fromEntries(callback.searchParams) };
}

describe('SSO test connection', () => {
  it('reports claims and the would-be outcome without a session or a user', async () => {
    const org = await makeOrg('ssotest');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Engineers' }));
    const input = saveSsoConnectionInput.parse({
      discoveryUrl: peer.discoveryUrl,
      clientId: peer.clientId,
      clientSecret: peer.clientSecret,
      jitEnabled: 'on',
      groupMappings: 'eng => Engineers',
    });
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, input));
    const sub = `t-${Math.random().toString(36).slice(2)}`;
    peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name: 'Test Person', groups: ['eng', 'other'] });
    const usersBefore = await getDb().select().from(users).where(eq(users.organizationId, org.orgId));

    const { binding, params } = await testAs(org, org.adminId, sub);
    const session = { orgId: org.orgId, userId: org.adminId, sessionId: '00000000-0000-4000-8000-000000000001' };
    const result = await completeSsoTest(params, binding, session, testRequest());
    expect(result).toMatchObject({
      ok: true,
      report: {
        subject: sub,
        email: `${sub}@idp.test`,
        name: 'Test Person',
        groups: ['eng', 'other'],
        outcome: 'jit_create',
        user: null,
        mappedGroups: ['Engineers'],
      },
    });
    expect(await getDb().select().from(users).where(eq(users.organizationId, org.orgId))).toHaveLength(usersBefore.length);
    expect(await getDb().select().from(ssoIdentities).where(eq(ssoIdentities.organizationId, org.orgId))).toHaveLength(0);
    expect(
      (await getDb().select().from(sessions).where(eq(sessions.organizationId, org.orgId))).filter((s) => s.authMethod === 'sso'),
    ).toHaveLength(0);
    const tested = (await auditRows(org.orgId)).filter((e) => e.actionType === 'SSO_CONNECTION_TESTED');
    expect(tested.map((e) => [e.userId, e.metadata])).toEqual([
      [org.adminId, expect.objectContaining({ subject: sub, outcome: 'jit_create' })],
    ]);

    // A test binding can never complete a real sign-in, and only its own admin can finish it.
    const again = await testAs(org, org.adminId, sub);
    expect(await completeSsoSignIn(again.params, again.binding, testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
    const other = await makeOrg('ssotest2');
    expect(
      await completeSsoTest(
        again.params,
        again.binding,
        { orgId: other.orgId, userId: org.adminId, sessionId: session.sessionId },
        testRequest(),
      ),
    ).toEqual({ ok: false, reason: 'state_mismatch' });
    expect(await completeSsoTest(again.params, again.binding, null, testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
  });

  it('shows the access token’s claim names when email or groups are read from it', async () => {
    const org = await makeOrg('ssotestat');
    const input = saveSsoConnectionInput.parse({
      discoveryUrl: peer.discoveryUrl,
      clientId: peer.clientId,
      clientSecret: peer.clientSecret,
      groupsClaim: 'realm_access.roles',
      groupsClaimSource: 'access_token',
    });
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, input));
    const sub = `t-${Math.random().toString(36).slice(2)}`;
    peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name: 'Test Person', accessTokenClaims: { realm_access: { roles: ['eng'] } } });
    const { binding, params } = await testAs(org, org.adminId, sub);
    peer.accessTokenFormat = 'jwt';
    try {
      const result = await completeSsoTest(
        params,
        binding,
        { orgId: org.orgId, userId: org.adminId, sessionId: '00000000-0000-4000-8000-000000000001' },
        testRequest(),
      );
      expect(result).toMatchObject({
        ok: true,
        report: { groups: ['eng'], accessTokenClaimNames: expect.arrayContaining(['iss', 'exp', 'realm_access']) },
      });
    } finally {
      peer.accessTokenFormat = 'opaque';
    }
  });
});
