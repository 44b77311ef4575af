// Email and groups from the IdP's access token (a JWT, verified), against a real OpenID provider
// and the embedded Jackson. The first test also guards our capture of the access token from
// Jackson's internals (lib/sso/jackson.ts): if a Jackson upgrade stops calling
// extractOIDCUserProfile through its exports, the slot stays empty and the sign-in is refused.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { groupMembers, sessions, users } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, type TestOrg } from '@/lib/test/helpers';
import { PeerBrowser, startOidcPeer, type AccessTokenFormat, type OidcPeer } from '@/lib/test/oidc-peer';
import { testRequest } from '@/lib/test/helpers';
import { getSsoConnection, oidcRedirectUrl, saveSsoConnection } from './connections';
import { getJackson } from './jackson';
import { saveSsoConnectionInput, type SaveSsoConnectionInput } from './inputs';
import { completeSsoSignIn, startSsoSignIn } from './sign-in';

let peer: OidcPeer;
beforeAll(async () => {
  peer = await startOidcPeer(oidcRedirectUrl());
  await getJackson();
});
afterAll(() => peer.close());
afterEach(() => {
  peer.accessTokenFormat = 'opaque';
});

async function connect(org: TestOrg, extra: Partial<SaveSsoConnectionInput> = {}) {
  const input = saveSsoConnectionInput.parse({
    discoveryUrl: peer.discoveryUrl,
    clientId: peer.clientId,
    clientSecret: peer.clientSecret,
    jitEnabled: 'on',
    ...extra,
  });
  return runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, input));
}

/** An IdP account whose ID token says one email and whose access token says another, with roles. */
function account(label: string, roles: string[] = []) {
  const sub = `${label}-${Math.random().toString(36).slice(2)}`;
  const accessEmail = `${sub}@access.test`;
  peer.accounts.set(sub, {
    sub,
    email: `${sub}@id.test`,
    name: `${label} Person`,
    groups: ['from-id-token'],
    accessTokenClaims: { ext: { mail: accessEmail }, realm_access: { roles } },
  });
  return { sub, idEmail: `${sub}@id.test`, accessEmail };
}

async function signIn(org: TestOrg, login: string, format: AccessTokenFormat) {
  const start = await startSsoSignIn(org.slug);
  if (!start) throw new Error('no SSO for this organization');
  const callback = await new PeerBrowser().signIn(start.redirectUrl, login, oidcRedirectUrl());
  peer.accessTokenFormat = format;
  return completeSsoSignIn(Object.fromEntries(callback.searchParams), start.binding, testRequest());
}

const lastFailure = async (orgId: string) => (await auditRows(orgId)).filter((r) => r.actionType === 'LOGIN_FAILED').at(-1)?.metadata;

describe('claims from the access token', () => {
  it('reads email and groups at dotted paths of a verified JWT access token', async () => {
    const org = await makeOrg('atok');
    const admins = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Realm Admins' }));
    await connect(org, {
      emailClaim: 'ext.mail',
      emailClaimSource: 'access_token',
      groupsClaim: 'realm_access.roles',
      groupsClaimSource: 'access_token',
      groupMappings: 'realm-admin => Realm Admins',
    });
    const u = account('atok', ['realm-admin', 'offline_access']);

    const result = await signIn(org, u.sub, 'jwt');
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    const [session] = await getDb().select().from(sessions).where(eq(sessions.id, result.sessionId));
    const [user] = await getDb().select().from(users).where(eq(users.id, session!.userId));
    expect(user!.email).toBe(u.accessEmail);
    expect(user!.firstName).toBe('atok');
    const groups = (await getDb().select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, user!.id))).map(
      (r) => r.g,
    );
    expect(groups).toContain(admins.id);
    // The token itself is in no audit row.
    expect(JSON.stringify(await auditRows(org.orgId))).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('can take groups from the access token and the email from the ID token', async () => {
    const org = await makeOrg('atgrp');
    const admins = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Realm Admins' }));
    await connect(org, {
      groupsClaim: 'realm_access.roles',
      groupsClaimSource: 'access_token',
      groupMappings: 'realm-admin => Realm Admins\nfrom-id-token => Realm Admins',
    });
    const u = account('atgrp', []);
    expect(await signIn(org, u.sub, 'jwt')).toMatchObject({ ok: true });
    const [user] = await getDb()
      .select()
      .from(users)
      .where(and(eq(users.organizationId, org.orgId), eq(users.email, u.idEmail)));
    expect(user).toBeDefined();
    // The ID token's groups are not read: the access token has no realm-admin role.
    expect(
      await getDb()
        .select()
        .from(groupMembers)
        .where(and(eq(groupMembers.userId, user!.id), eq(groupMembers.groupId, admins.id))),
    ).toHaveLength(0);
  });

  it('refuses an opaque access token with its own reason', async () => {
    const org = await makeOrg('atopq');
    await connect(org, { emailClaim: 'ext.mail', emailClaimSource: 'access_token' });
    const u = account('atopq');
    expect(await signIn(org, u.sub, 'opaque')).toEqual({ ok: false, reason: 'access_token_not_jwt' });
    expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason: 'access_token_not_jwt', subject: u.sub });
    expect(await getDb().select().from(users).where(eq(users.email, u.accessEmail))).toHaveLength(0);
  });

  for (const format of ['jwt_bad_signature', 'jwt_expired', 'jwt_wrong_issuer'] as const) {
    it(`never trusts an access token with ${format.slice(4).replace('_', ' ')}`, async () => {
      const org = await makeOrg('atbad');
      await connect(org, { emailClaim: 'ext.mail', emailClaimSource: 'access_token' });
      const u = account(format);
      expect(await signIn(org, u.sub, format)).toEqual({ ok: false, reason: 'access_token_rejected' });
      expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason: 'access_token_rejected' });
      expect(await getDb().select().from(users).where(eq(users.email, u.accessEmail))).toHaveLength(0);
    });
  }

  it('ignores the access token when no claim is read from it (opaque is fine then)', async () => {
    const org = await makeOrg('atoff');
    await connect(org);
    const u = account('atoff');
    expect(await signIn(org, u.sub, 'opaque')).toMatchObject({ ok: true });
  });

  it('stores the sources, audits them, and rejects an unknown source', async () => {
    const org = await makeOrg('atset');
    await connect(org, { groupsClaim: 'realm_access.roles', groupsClaimSource: 'access_token' });
    expect(await getSsoConnection(org.orgId)).toMatchObject({
      emailClaimSource: 'id_token',
      groupsClaimSource: 'access_token',
      groupsClaim: 'realm_access.roles',
    });
    const created = (await auditRows(org.orgId)).find((r) => r.actionType === 'SSO_CONNECTION_CREATED')!;
    expect(created.metadata).toMatchObject({ after: { emailClaimSource: 'id_token', groupsClaimSource: 'access_token' } });
    await connect(org, { clientSecret: '', emailClaimSource: 'access_token' });
    const updated = (await auditRows(org.orgId)).find((r) => r.actionType === 'SSO_CONNECTION_UPDATED')!;
    expect(updated.metadata).toMatchObject({
      before: { emailClaimSource: 'id_token' },
      after: { emailClaimSource: 'access_token', groupsClaimSource: 'id_token' },
    });
    expect(
      saveSsoConnectionInput.safeParse({ discoveryUrl: peer.discoveryUrl, clientId: 'a', emailClaimSource: 'userinfo' }).error?.issues[0]
        ?.message,
    ).toMatch(/ID token or the access token/);
  });
});
