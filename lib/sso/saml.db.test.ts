// SAML single sign-on through the embedded Jackson, with responses minted and signed in the test
// by a generated IdP key (lib/test/saml-idp.ts): the happy path, and every check we make on top
// of the library, each with an otherwise valid, correctly signed response.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { groupMembers, sessions, ssoSamlAssertions, users } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import { makeKeyAndCert, makeSamlIdp, mintSamlResponse, readAuthnRequest, type MintOptions, type SamlIdp } from '@/lib/test/saml-idp';
import { deleteSsoConnection, getSsoConnection, saveSsoConnection } from './connections';
import { saveSamlConnectionInput, saveSsoConnectionInput, type SaveSamlConnectionInput } from './inputs';
import { getJackson, SP_ENTITY_ID } from './jackson';
import { completeSamlSignIn, readSamlPost, samlAcsUrl, samlSpMetadataXml, saveSamlConnection } from './saml';
import { checkSamlResponse, parseSamlResponse } from './saml-checks';
import { startSsoSignIn } from './sign-in';

beforeAll(async () => {
  await getJackson();
});

async function connect(org: TestOrg, idp: SamlIdp | null, extra: Partial<SaveSamlConnectionInput> = {}) {
  const input = saveSamlConnectionInput.parse({ metadataXml: idp?.metadataXml ?? '', jitEnabled: 'on', ...extra });
  return runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSamlConnection(ctx, input));
}

/** Starts an SP-initiated sign-in at our sign-in page: the binding and what the IdP receives. */
async function start(org: TestOrg) {
  const s = await startSsoSignIn(org.slug);
  if (!s) throw new Error('no SSO for this organization');
  return { binding: s.binding, ...(await readAuthnRequest(s.redirectUrl)) };
}

const user = (label: string) => {
  const sub = `${label}-${Math.random().toString(36).slice(2)}`;
  return { sub, email: `${sub}@idp.test` };
};

/** An SP-initiated sign-in answered by `idp` with a response minted from `options`. */
async function signIn(org: TestOrg, idp: SamlIdp, who: { sub: string; email: string }, options: Partial<MintOptions> = {}) {
  const flow = await start(org);
  expect(flow.binding.samlRequestId).toBe(flow.requestId);
  const SAMLResponse = mintSamlResponse(idp, {
    acsUrl: samlAcsUrl(),
    requestId: flow.requestId,
    nameId: who.sub,
    attributes: { email: who.email, name: 'Sam L' },
    ...options,
  });
  const result = await completeSamlSignIn(readSamlPost({ SAMLResponse, RelayState: flow.relayState }), flow.binding, testRequest());
  return { result, flow, SAMLResponse };
}

const lastFailure = async (orgId: string) => (await auditRows(orgId)).filter((r) => r.actionType === 'LOGIN_FAILED').at(-1)?.metadata;
const usersWithEmail = (email: string) => getDb().select().from(users).where(eq(users.email, email));

describe('SAML connection settings', () => {
  it('stores the connection from pasted metadata, shows our SP details, audits create/update/delete with the type', async () => {
    const org = await makeOrg('samlset');
    const idp = makeSamlIdp('set');
    await connect(org, idp, { emailClaim: 'mail' });
    expect(await getSsoConnection(org.orgId)).toMatchObject({
      type: 'saml',
      samlIdpEntityId: idp.entityId,
      emailClaim: 'mail',
      samlIdpInitiated: false,
      jitEnabled: true,
    });
    // Blank metadata on an update keeps the stored one.
    await connect(org, null, { idpInitiated: 'on' });
    expect(await getSsoConnection(org.orgId)).toMatchObject({ samlIdpEntityId: idp.entityId, samlIdpInitiated: true });
    const metadata = await samlSpMetadataXml();
    expect(metadata).toContain(`entityID="${SP_ENTITY_ID}"`);
    expect(metadata).toContain(`Location="${samlAcsUrl()}"`);

    await runMutation(asUser(org.orgId, org.adminId), (ctx) => deleteSsoConnection(ctx));
    expect(await getSsoConnection(org.orgId)).toBeNull();
    const rows = await auditRows(org.orgId);
    expect(rows.find((r) => r.actionType === 'SSO_CONNECTION_CREATED')!.metadata).toMatchObject({
      after: { type: 'saml', samlIdpEntityId: idp.entityId },
    });
    expect(rows.find((r) => r.actionType === 'SSO_CONNECTION_UPDATED')!.metadata).toMatchObject({
      before: { samlIdpInitiated: false },
      after: { samlIdpInitiated: true },
    });
    expect(rows.find((r) => r.actionType === 'SSO_CONNECTION_DELETED')!.metadata).toMatchObject({
      type: 'saml',
      samlIdpEntityId: idp.entityId,
    });
  });

  it('fetches metadata from a URL, and replaces an OIDC connection (one connection per organization)', async () => {
    const org = await makeOrg('samlurl');
    const idp = makeSamlIdp('url');
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(idp.metadataXml));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const oidc = saveSsoConnectionInput.parse({
        discoveryUrl: 'http://localhost:1/.well-known/openid-configuration',
        clientId: 'c',
        clientSecret: 's',
      });
      await runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSsoConnection(ctx, oidc));
      const metadataUrl = `http://localhost:${(server.address() as AddressInfo).port}/metadata`;
      await connect(org, null, { metadataUrl });
      expect(await getSsoConnection(org.orgId)).toMatchObject({
        type: 'saml',
        samlIdpEntityId: idp.entityId,
        samlMetadataUrl: metadataUrl,
        discoveryUrl: '',
        clientId: '',
      });
      const updated = (await auditRows(org.orgId)).find((r) => r.actionType === 'SSO_CONNECTION_UPDATED')!;
      expect(updated.metadata).toMatchObject({
        before: { type: 'oidc', clientId: 'c' },
        after: { type: 'saml', samlMetadataUrl: metadataUrl },
      });
      const who = user('url');
      expect((await signIn(org, idp, who)).result).toMatchObject({ ok: true });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('is for admins only, and rejects bad input with specific errors', async () => {
    const org = await makeOrg('samlbad');
    const member = await makeUser(org.orgId);
    const idp = makeSamlIdp('bad');
    const input = saveSamlConnectionInput.parse({ metadataXml: idp.metadataXml });
    expect((await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => saveSamlConnection(ctx, input)))).code).toBe('forbidden');
    const missing = saveSamlConnectionInput.parse({});
    expect((await rejection(runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSamlConnection(ctx, missing)))).message).toMatch(
      /Paste your identity provider’s SAML metadata/,
    );
    expect(saveSamlConnectionInput.safeParse({ metadataXml: 'not xml' }).error?.issues[0]?.message).toMatch(/metadata XML/);
    expect(saveSamlConnectionInput.safeParse({ metadataUrl: 'http://idp.example.com/md' }).error?.issues[0]?.message).toMatch(/https URL/);
    expect(
      saveSamlConnectionInput.safeParse({ metadataXml: idp.metadataXml, metadataUrl: 'https://idp.example.com/md' }).error?.issues[0]
        ?.message,
    ).toMatch(/not both/);
    const broken = saveSamlConnectionInput.parse({ metadataXml: '<EntityDescriptor/>' });
    expect((await rejection(runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSamlConnection(ctx, broken)))).message).toMatch(
      /metadata could not be used/,
    );
  });
});

describe('SAML sign-in', () => {
  it('signs in through the shared path: JIT, default group, group mapping, LOGIN sso', async () => {
    const org = await makeOrg('samlok');
    const idp = makeSamlIdp('ok');
    const eng = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Engineers' }));
    const readers = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Readers' }));
    await connect(org, idp, { defaultGroupId: readers.id, groupMappings: 'eng => Engineers', emailClaim: 'mail', groupsClaim: 'memberOf' });
    const who = user('ok');
    const { result } = await signIn(org, idp, who, { attributes: { mail: who.email, name: 'Sam Lee', memberOf: ['eng', 'other'] } });
    expect(result).toMatchObject({ ok: true, orgSlug: org.slug });
    if (!result.ok) return;
    const [session] = await getDb().select().from(sessions).where(eq(sessions.id, result.sessionId));
    expect(session!.authMethod).toBe('sso');
    const [u] = await usersWithEmail(who.email);
    expect(u).toMatchObject({ organizationId: org.orgId, firstName: 'Sam', lastName: 'Lee', passwordHash: null });
    const groups = (await getDb().select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, u!.id))).map(
      (r) => r.g,
    );
    expect(groups.sort()).toEqual([eng.id, readers.id].sort());
    const types = (await auditRows(org.orgId)).map((r) => r.actionType);
    expect(types).toEqual(expect.arrayContaining(['SSO_JIT_USER_CREATED', 'SSO_GROUP_MAPPING_APPLIED', 'LOGIN']));
    // The identity's subject is the NameID: a second sign-in finds the same user.
    const again = await signIn(org, idp, who, { attributes: { mail: who.email, memberOf: [] } });
    expect(again.result).toMatchObject({ ok: true });
    expect(await usersWithEmail(who.email)).toHaveLength(1);
    expect(JSON.stringify(await auditRows(org.orgId))).not.toContain('SAMLResponse');
  });

  describe('refusals (each an otherwise valid, signed response)', () => {
    let org: TestOrg;
    let idp: SamlIdp;
    beforeAll(async () => {
      org = await makeOrg('samlneg');
      idp = makeSamlIdp('neg');
      await connect(org, idp);
    });

    const cases: [string, Partial<MintOptions>, string][] = [
      ['an Audience that is not exactly our entity id', { audiences: [`${SP_ENTITY_ID}:other`] }, 'saml_audience'],
      ['a second Audience besides ours', { audiences: [SP_ENTITY_ID, 'urn:someone-else'] }, 'saml_audience'],
      ['a Destination other than our ACS URL', { destination: 'https://elsewhere.test/acs' }, 'saml_destination'],
      ['no Destination', { destination: null }, 'saml_destination'],
      ['a Recipient other than our ACS URL', { recipient: 'https://elsewhere.test/acs' }, 'saml_recipient'],
      ['no Conditions NotOnOrAfter', { conditionsNotOnOrAfter: null }, 'saml_expired'],
      ['no SubjectConfirmationData NotOnOrAfter', { confirmationNotOnOrAfter: null }, 'saml_expired'],
      ['Conditions expired beyond the 3-minute skew', { conditionsNotOnOrAfter: -240 }, 'saml_expired'],
      ['a confirmation expired beyond the 3-minute skew', { confirmationNotOnOrAfter: -240 }, 'saml_expired'],
      ['a NotBefore more than 3 minutes ahead', { notBefore: 240 }, 'saml_expired'],
      ['another request’s InResponseTo', { requestId: '_someone-elses-request' }, 'saml_in_response_to'],
      ['no InResponseTo (unsolicited) in an SP-initiated flow', { requestId: null }, 'saml_in_response_to'],
      ['an RSA-SHA1 signature, the connection not allowing SHA-1', { sha1: true }, 'saml_sha1'],
      [
        'a SHA-1 digest under an RSA-SHA256 signature',
        { after: (xml) => xml.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1') },
        'saml_sha1',
      ],
      ['an unsigned assertion (signature stripped)', { sign: 'none' }, 'saml_rejected'],
      ['a certificate the connection does not trust', { signingKey: makeKeyAndCert('evil') }, 'saml_rejected'],
      [
        'a second, unsigned assertion next to the signed one (wrapping)',
        { after: (xml) => xml.replace('</samlp:Response>', `${evilAssertion()}</samlp:Response>`) },
        'saml_assertion_count',
      ],
      [
        'the signed assertion moved into Extensions, an unsigned one in its place (wrapping)',
        {
          after: (xml) => {
            const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
            return xml.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${evilAssertion()}`);
          },
        },
        'saml_assertion_count',
      ],
    ];
    function evilAssertion() {
      return mintedAssertion(idp, 'evil-admin');
    }

    for (const [what, options, reason] of cases) {
      it(`refuses ${what}`, async () => {
        const who = user('neg');
        const { result } = await signIn(org, idp, who, options);
        expect(result).toEqual({ ok: false, reason });
        expect(await usersWithEmail(who.email)).toHaveLength(0);
        expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason });
      });
    }

    it('accepts expiry within the 3-minute skew', async () => {
      const who = user('skew');
      const { result } = await signIn(org, idp, who, { conditionsNotOnOrAfter: -60, confirmationNotOnOrAfter: -60, notBefore: 60 });
      expect(result).toMatchObject({ ok: true });
    });

    it('refuses a response over the size cap before parsing', async () => {
      const who = user('big');
      const { result } = await signIn(org, idp, who, { attributes: { email: who.email, padding: 'x'.repeat(300 * 1024) } });
      expect(result).toEqual({ ok: false, reason: 'saml_too_large' });
      expect(
        checkSamlResponse(parseSamlResponse('A'.repeat(400 * 1024)), { acsUrl: samlAcsUrl(), audience: SP_ENTITY_ID, requestId: null }),
      ).toEqual({
        ok: false,
        reason: 'saml_too_large',
      });
    });

    it('binds InResponseTo to the browser that started: another browser’s binding is refused', async () => {
      const who = user('bind');
      const mine = await start(org);
      const theirs = await start(org);
      const SAMLResponse = mintSamlResponse(idp, {
        acsUrl: samlAcsUrl(),
        requestId: mine.requestId,
        nameId: who.sub,
        attributes: { email: who.email },
      });
      expect(await completeSamlSignIn(readSamlPost({ SAMLResponse, RelayState: mine.relayState }), theirs.binding, testRequest())).toEqual({
        ok: false,
        reason: 'saml_in_response_to',
      });
      expect(await completeSamlSignIn(readSamlPost({ SAMLResponse, RelayState: mine.relayState }), null, testRequest())).toEqual({
        ok: false,
        reason: 'saml_idp_initiated_off',
      });
    });

    it('refuses an IdP-initiated response while the organization has not turned it on', async () => {
      const who = user('idp');
      const SAMLResponse = mintSamlResponse(idp, {
        acsUrl: samlAcsUrl(),
        requestId: null,
        nameId: who.sub,
        attributes: { email: who.email },
      });
      expect(await completeSamlSignIn(readSamlPost({ SAMLResponse }), null, testRequest())).toEqual({
        ok: false,
        reason: 'saml_idp_initiated_off',
      });
      expect(await lastFailure(org.orgId)).toMatchObject({ reason: 'saml_idp_initiated_off' });
    });
  });

  it('accepts RSA-SHA1 only when the connection explicitly allows it; the change is audited with before and after', async () => {
    const org = await makeOrg('samlsha1');
    const idp = makeSamlIdp('sha1');
    await connect(org, idp);
    const refused = user('sha1a');
    expect((await signIn(org, idp, refused, { sha1: true })).result).toEqual({ ok: false, reason: 'saml_sha1' });
    expect(await lastFailure(org.orgId)).toMatchObject({ method: 'sso', reason: 'saml_sha1' });
    expect(await usersWithEmail(refused.email)).toHaveLength(0);

    await connect(org, null, { allowSha1: 'on' });
    expect(await getSsoConnection(org.orgId)).toMatchObject({ samlAllowSha1: true });
    expect((await signIn(org, idp, user('sha1b'), { sha1: true })).result).toMatchObject({ ok: true });
    expect((await signIn(org, idp, user('sha1c'))).result).toMatchObject({ ok: true });
    expect((await auditRows(org.orgId)).find((r) => r.actionType === 'SSO_CONNECTION_UPDATED')!.metadata).toMatchObject({
      before: { samlAllowSha1: false },
      after: { samlAllowSha1: true },
    });
  });

  it('IdP-initiated when turned on: signs in once, a replayed assertion is refused until it expires', async () => {
    const org = await makeOrg('samlidp');
    const idp = makeSamlIdp('idpinit');
    await connect(org, idp, { idpInitiated: 'on' });
    const who = user('idpinit');
    const SAMLResponse = mintSamlResponse(idp, {
      acsUrl: samlAcsUrl(),
      requestId: null,
      nameId: who.sub,
      attributes: { email: who.email },
    });
    expect(await completeSamlSignIn(readSamlPost({ SAMLResponse, RelayState: 'anything' }), null, testRequest())).toMatchObject({
      ok: true,
      orgSlug: org.slug,
    });
    expect(await completeSamlSignIn(readSamlPost({ SAMLResponse }), null, testRequest())).toEqual({ ok: false, reason: 'saml_replayed' });
    expect(await lastFailure(org.orgId)).toMatchObject({ reason: 'saml_replayed' });
    const [cached] = await getDb()
      .select()
      .from(ssoSamlAssertions)
      .where(eq(ssoSamlAssertions.connectionId, (await getSsoConnection(org.orgId))!.id));
    expect(cached!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // Even an IdP-initiated response must not answer some request.
    const solicited = mintSamlResponse(idp, {
      acsUrl: samlAcsUrl(),
      requestId: '_a-request',
      nameId: who.sub,
      attributes: { email: who.email },
    });
    expect(await completeSamlSignIn(readSamlPost({ SAMLResponse: solicited }), null, testRequest())).toEqual({
      ok: false,
      reason: 'saml_in_response_to',
    });
  });

  it('refuses org A’s IdP asserting a user into org B’s flow', async () => {
    const orgA = await makeOrg('samla');
    const orgB = await makeOrg('samlb');
    const idpA = makeSamlIdp('a');
    const idpB = makeSamlIdp('b');
    await connect(orgA, idpA);
    await connect(orgB, idpB);
    const who = user('cross');
    // Signed by A's IdP with A's issuer, answering B's request.
    const { result } = await signIn(orgB, idpA, who);
    expect(result).toEqual({ ok: false, reason: 'wrong_organization' });
    // Signed by A's key, claiming B's issuer: the signature does not verify against B's certificate.
    const forged = await signIn(orgB, idpA, who, { issuer: idpB.entityId });
    expect(forged.result).toEqual({ ok: false, reason: 'saml_rejected' });
    expect(await lastFailure(orgB.orgId)).toMatchObject({ reason: 'saml_rejected' });
    expect(await usersWithEmail(who.email)).toHaveLength(0);
    expect(
      await getDb()
        .select()
        .from(users)
        .where(and(eq(users.organizationId, orgB.orgId), eq(users.email, who.email))),
    ).toHaveLength(0);
  });
});

/** A complete assertion (unsigned) for `nameId`, as an attacker would add it. */
function mintedAssertion(idp: SamlIdp, nameId: string): string {
  const xml = Buffer.from(
    mintSamlResponse(idp, { acsUrl: samlAcsUrl(), requestId: null, nameId, attributes: { email: `${nameId}@evil.test` }, sign: 'none' }),
    'base64',
  ).toString();
  return /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
}
