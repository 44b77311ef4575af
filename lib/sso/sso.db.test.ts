// OIDC single sign-on against a real OpenID provider (oidc-provider on localhost) and the
// embedded Jackson on our database: the happy path, JIT, group mapping, and every refusal.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { groupMembers, jacksonStore, sessions, ssoIdentities, users } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { getUser } from '@/lib/users/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import { PeerBrowser, startOidcPeer, type OidcPeer } from '@/lib/test/oidc-peer';
import { deleteSsoConnection, getSsoConnection, oidcRedirectUrl, saveSsoConnection } from './connections';
import { getJackson } from './jackson';
import { saveSsoConnectionInput, type SaveSsoConnectionInput } from './inputs';
import { completeSsoSignIn, startSsoSignIn } from './sign-in';

let peer: OidcPeer;
beforeAll(async () => {
  peer = await startOidcPeer(oidcRedirectUrl());
  await getJackson();
});
afterAll(() => peer.close());

async function connect(org: TestOrg, extra: Partial<SaveSsoConnectionInput> = {}) {
  const input = saveSsoConnectionInput.parse({
    discoveryUrl: peer.discoveryUrl,
    clientId: peer.clientId,
    clientSecret: peer.clientSecret,
    ...extra,
  });
  return runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, input));
}

/** Starts at our sign-in, signs in at the IdP as `login`, returns the IdP's callback parameters. */
async function viaIdp(org: TestOrg, login: string) {
  const start = await startSsoSignIn(org.slug);
  if (!start) throw new Error('no SSO for this organization');
  const callback = await new PeerBrowser().signIn(start.redirectUrl, login, oidcRedirectUrl());
  return { binding: start.binding, params: Object.fromEntries(callback.searchParams) };
}

function account(label: string, groups: string[] = []) {
  const sub = `${label}-${Math.random().toString(36).slice(2)}`;
  peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name: `${label} Person`, groups });
  return { sub, email: `${sub}@idp.test` };
}

const lastFailure = async (orgId: string) => (await auditRows(orgId)).filter((r) => r.actionType === 'LOGIN_FAILED').at(-1)?.metadata;

describe('SSO connection settings', () => {
  it('stores the connection, keeps the secret write-only, audits create/update/delete', async () => {
    const org = await makeOrg('ssoset');
    await connect(org, { groupMappings: 'eng => Admin' });
    const view = await getSsoConnection(org.orgId);
    expect(view).toMatchObject({ discoveryUrl: peer.discoveryUrl, clientId: peer.clientId, jitEnabled: false });
    expect(JSON.stringify(view)).not.toContain(peer.clientSecret);
    // The secret lives only in Jackson's store, encrypted.
    const stored = await getDb().select({ value: jacksonStore.value }).from(jacksonStore).where(eq(jacksonStore.namespace, 'saml:config'));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((s) => s.value).join()).not.toContain(peer.clientSecret);

    // Blank secret on update keeps the stored one: sign-in still works after it.
    await connect(org, { clientSecret: '', jitEnabled: 'on' });
    const u = account('kept');
    const { binding, params } = await viaIdp(org, u.sub);
    expect(await completeSsoSignIn(params, binding, testRequest())).toMatchObject({ ok: true });

    await runMutation(asUser(org.orgId, org.adminId), (ctx) => deleteSsoConnection(ctx));
    expect(await getSsoConnection(org.orgId)).toBeNull();
    expect(await startSsoSignIn(org.slug)).toBeNull();
    const types = (await auditRows(org.orgId)).map((r) => r.actionType);
    expect(types).toEqual(expect.arrayContaining(['SSO_CONNECTION_CREATED', 'SSO_CONNECTION_UPDATED', 'SSO_CONNECTION_DELETED']));
    const created = (await auditRows(org.orgId)).find((r) => r.actionType === 'SSO_CONNECTION_CREATED')!;
    expect(JSON.stringify(created.metadata)).not.toContain(peer.clientSecret);
  });

  it('is for admins only, and rejects bad input with specific errors', async () => {
    const org = await makeOrg('ssoauth');
    const member = await makeUser(org.orgId);
    const input = saveSsoConnectionInput.parse({ discoveryUrl: peer.discoveryUrl, clientId: 'x', clientSecret: 'y' });
    expect((await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => saveSsoConnection(ctx, input)))).code).toBe('forbidden');
    expect(saveSsoConnectionInput.safeParse({ discoveryUrl: 'http://idp.example.com/x', clientId: 'a' }).error?.issues[0]?.message).toMatch(
      /https URL/,
    );
    expect(
      saveSsoConnectionInput.safeParse({ discoveryUrl: peer.discoveryUrl, clientId: 'a', groupMappings: 'no arrow' }).error?.issues[0]
        ?.message,
    ).toMatch(/Line 1/);
    const unknownGroup = saveSsoConnectionInput.parse({
      discoveryUrl: peer.discoveryUrl,
      clientId: 'a',
      clientSecret: 'b',
      groupMappings: 'eng => Nope',
    });
    expect((await rejection(runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, unknownGroup)))).message).toMatch(
      /"Nope"/,
    );
    const noSecret = saveSsoConnectionInput.parse({ discoveryUrl: peer.discoveryUrl, clientId: 'a' });
    expect((await rejection(runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, noSecret)))).message).toMatch(
      /client secret/,
    );
  });
});

describe('SSO sign-in', () => {
  it('signs in a linked identity through the same session path, audited as LOGIN sso', async () => {
    const org = await makeOrg('ssook');
    const engineers = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Engineers' }));
    const readers = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Readers' }));
    await connect(org, { jitEnabled: 'on', defaultGroupId: readers.id, groupMappings: 'eng => Engineers' });
    const u = account('jit', ['eng']);

    const { binding, params } = await viaIdp(org, u.sub);
    const result = await completeSsoSignIn(params, binding, testRequest());
    expect(result).toMatchObject({ ok: true, orgSlug: org.slug });
    if (!result.ok) return;
    const [session] = await getDb().select().from(sessions).where(eq(sessions.id, result.sessionId));
    expect(session!.authMethod).toBe('sso');
    const [user] = await getDb().select().from(users).where(eq(users.id, session!.userId));
    expect(user).toMatchObject({ email: u.email, firstName: 'jit', lastName: 'Person', passwordHash: null });
    const groups = (await getDb().select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, user!.id))).map(
      (r) => r.g,
    );
    expect(groups.sort()).toEqual([engineers.id, readers.id].sort());
    expect((await getUser(org.orgId, user!.id))?.signInMethods).toEqual(['sso']);
    const events = await auditRows(org.orgId);
    expect(events.map((e) => e.actionType)).toEqual(expect.arrayContaining(['SSO_JIT_USER_CREATED', 'SSO_GROUP_MAPPING_APPLIED', 'LOGIN']));
    expect(events.find((e) => e.actionType === 'LOGIN')!.metadata).toMatchObject({ method: 'sso', sessionId: result.sessionId });

    // Next sign-in: same identity, mapping re-applied (the IdP dropped "eng").
    peer.accounts.set(u.sub, { ...peer.accounts.get(u.sub)!, groups: [] });
    const again = await viaIdp(org, u.sub);
    const second = await completeSsoSignIn(again.params, again.binding, testRequest());
    expect(second).toMatchObject({ ok: true });
    expect(await getDb().select().from(ssoIdentities).where(eq(ssoIdentities.userId, user!.id))).toHaveLength(1);
    const after = (await getDb().select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, user!.id))).map(
      (r) => r.g,
    );
    expect(after).toEqual([readers.id]);
    const applied = (await auditRows(org.orgId)).filter((e) => e.actionType === 'SSO_GROUP_MAPPING_APPLIED').at(-1)!;
    expect(applied.metadata).toMatchObject({ removed: [{ groupId: engineers.id, groupName: 'Engineers' }], added: [] });
    // No raw token in any audit row.
    expect(JSON.stringify(await auditRows(org.orgId))).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('refuses unknown users when JIT is off, and never links to a password account by email', async () => {
    const org = await makeOrg('ssojit');
    await connect(org);
    const stranger = account('stranger');
    let flow = await viaIdp(org, stranger.sub);
    expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toEqual({ ok: false, reason: 'unknown_user' });
    expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason: 'unknown_user', subject: stranger.sub });

    await connect(org, { clientSecret: '', jitEnabled: 'on' });
    const existing = await makeUser(org.orgId, { label: 'pw' });
    const sub = `pw-${Math.random()}`;
    peer.accounts.set(sub, { sub, email: existing.email.toUpperCase() });
    flow = await viaIdp(org, sub);
    expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toMatchObject({
      ok: false,
      reason: 'email_taken',
      linkToken: expect.any(String),
    });
    expect(await getDb().select().from(ssoIdentities).where(eq(ssoIdentities.userId, existing.id))).toHaveLength(0);
  });

  it('stores names with unstorable characters replaced, and refuses an email that holds one by name', async () => {
    const org = await makeOrg('ssonul');
    const eng = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Engineers' }));
    await connect(org, { jitEnabled: 'on', groupMappings: 'eng => Engineers' });
    const u = account('nul', ['eng', 'e\u0000ng']);
    peer.accounts.set(u.sub, { ...peer.accounts.get(u.sub)!, name: 'Ada\u0000 Love\ud800lace' });
    let flow = await viaIdp(org, u.sub);
    const result = await completeSsoSignIn(flow.params, flow.binding, testRequest());
    expect(result).toMatchObject({ ok: true });
    const [user] = await getDb().select().from(users).where(eq(users.email, u.email));
    expect(user).toMatchObject({ firstName: 'Ada\ufffd', lastName: 'Love\ufffdlace' });
    expect(
      (await getDb().select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, user!.id))).map((r) => r.g),
    ).toEqual([eng.id]);

    const bad = account('nulmail');
    peer.accounts.set(bad.sub, { ...peer.accounts.get(bad.sub)!, email: `nul\u0000${bad.email}` });
    flow = await viaIdp(org, bad.sub);
    expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toEqual({ ok: false, reason: 'unstorable_claims' });
    expect(await lastFailure(org.orgId)).toMatchObject({
      method: 'sso',
      reason: 'unstorable_claims',
      subject: bad.sub,
      email: `nul\ufffd${bad.email}`,
    });
    expect(await getDb().select().from(users).where(eq(users.email, bad.email))).toHaveLength(0);
  });

  it('refuses a disabled user', async () => {
    const org = await makeOrg('ssodis');
    await connect(org, { jitEnabled: 'on' });
    const u = account('dis');
    let flow = await viaIdp(org, u.sub);
    const ok = await completeSsoSignIn(flow.params, flow.binding, testRequest());
    if (!ok.ok) throw new Error('first sign-in failed');
    await getDb()
      .update(users)
      .set({ disabledAt: new Date() })
      .where(and(eq(users.organizationId, org.orgId), eq(users.email, u.email)));
    flow = await viaIdp(org, u.sub);
    expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toEqual({ ok: false, reason: 'user_disabled' });
  });

  describe('refusals', () => {
    let org: TestOrg;
    beforeAll(async () => {
      org = await makeOrg('ssoneg');
      await connect(org, { jitEnabled: 'on' });
    });

    for (const tamper of ['wrong_issuer', 'wrong_audience', 'bad_signature'] as const) {
      it(`rejects an ID token with ${tamper.replace('_', ' ')}`, async () => {
        const u = account(tamper);
        const flow = await viaIdp(org, u.sub);
        peer.tamper = tamper;
        try {
          expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toEqual({ ok: false, reason: 'token_rejected' });
        } finally {
          peer.tamper = 'none';
        }
        expect(
          await getDb()
            .select()
            .from(users)
            .where(and(eq(users.organizationId, org.orgId), eq(users.email, u.email))),
        ).toHaveLength(0);
      });
    }

    // Jackson sends a fresh nonce and openid-client refuses another or none; exp, nbf and iat are
    // ours (lib/auth/id-token.ts), each refused with its reason.
    for (const [tamper, reason] of [
      ['no_nonce', 'token_rejected'],
      ['other_nonce', 'token_rejected'],
      ['issued_in_future', 'id_token_issued_in_future'],
      ['expired', 'id_token_expired'],
      ['not_yet_valid', 'id_token_not_yet_valid'],
    ] as const) {
      it(`refuses an ID token with ${tamper.replaceAll('_', ' ')} (${reason})`, async () => {
        const u = account(tamper);
        const flow = await viaIdp(org, u.sub);
        peer.tamper = tamper;
        try {
          expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toEqual({ ok: false, reason });
        } finally {
          peer.tamper = 'none';
        }
        expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason });
        expect(await getDb().select().from(users).where(eq(users.email, u.email))).toHaveLength(0);
      });
    }

    it('cannot start against an unreachable provider (the caller explains; nothing is bound)', async () => {
      const down = await makeOrg('ssodown');
      await connect(down, { discoveryUrl: 'http://localhost:1/.well-known/openid-configuration' });
      await expect(startSsoSignIn(down.slug)).rejects.toThrow(/could not start an SSO sign-in/);
    });

    it('rejects a replayed callback (code and state used once)', async () => {
      const u = account('replay');
      const flow = await viaIdp(org, u.sub);
      expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toMatchObject({ ok: true });
      expect(await completeSsoSignIn(flow.params, flow.binding, testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
    });

    it('rejects a missing or forged state, and a callback without this browser’s binding', async () => {
      const u = account('state');
      const flow = await viaIdp(org, u.sub);
      const { state, ...noState } = flow.params;
      expect(await completeSsoSignIn(noState, flow.binding, testRequest())).toEqual({ ok: false, reason: 'missing_state' });
      expect(await completeSsoSignIn({ ...flow.params, state: `${state}x` }, flow.binding, testRequest())).toEqual({
        ok: false,
        reason: 'state_mismatch',
      });
      expect(await completeSsoSignIn(flow.params, null, testRequest())).toEqual({ ok: false, reason: 'missing_state' });
      // Another browser's binding (a login fixation attempt): its state does not match.
      const other = await startSsoSignIn(org.slug);
      expect(await completeSsoSignIn(flow.params, other!.binding, testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
      expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason: 'state_mismatch' });
    });

    it('refuses a connection of organization A used to sign into organization B', async () => {
      const orgB = await makeOrg('ssob');
      const connB = await connect(orgB, { jitEnabled: 'on' });
      const u = account('cross');
      const flow = await viaIdp(org, u.sub);
      // The browser claims organization B (with B's connection) for a flow A's connection answered.
      const forged = { ...flow.binding, orgId: orgB.orgId, connectionId: connB.id };
      expect(await completeSsoSignIn(flow.params, forged, testRequest())).toEqual({ ok: false, reason: 'wrong_organization' });
      expect(await lastFailure(orgB.orgId)).toMatchObject({ method: 'sso', reason: 'wrong_organization' });
      expect(await getDb().select().from(users).where(eq(users.email, u.email))).toHaveLength(0);
    });
  });
});
