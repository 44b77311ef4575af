// "Test connection" for a SAML connection, with responses minted and signed in the test by a
// generated IdP key (lib/test/saml-idp.ts): the ACS half runs every check of a real sign-in, the
// signed-in half makes the OIDC test's report; no session, no user, no identity, only the
// SSO_CONNECTION_TESTED audit event; a refused check reports its reason; admins only.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sessions, ssoIdentities, ssoSamlAssertions, users } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import { makeSamlIdp, mintSamlResponse, readAuthnRequest, type MintOptions, type SamlIdp } from '@/lib/test/saml-idp';
import { saveSamlConnectionInput } from './inputs';
import { getJackson } from './jackson';
import { completeSamlSignIn, readSamlPost, samlAcsUrl, saveSamlConnection } from './saml';
import { checkSamlTest, finishSamlTest, openSamlTestAnswer, sealSamlTestAnswer, startSsoTest } from './test-connection';

// On Postgres the auth secret (which seals the answer) must come from the environment, as in production.
const secretBefore = process.env.NEXTAUTH_SECRET;
beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ??= 'a test secret of sufficient length for sealing';
  await getJackson();
});
afterAll(() => {
  if (secretBefore === undefined) delete process.env.NEXTAUTH_SECRET;
});

const sessionOf = (org: TestOrg) => ({ orgId: org.orgId, userId: org.adminId, sessionId: '00000000-0000-4000-8000-000000000001' });

/** The admin's test through the IdP: the AuthnRequest, a minted response, the ACS half. */
async function testAs(org: TestOrg, idp: SamlIdp, who: { sub: string; email: string }, options: Partial<MintOptions> = {}) {
  const start = await startSsoTest(org.slug, org.adminId);
  const { requestId, relayState } = await readAuthnRequest(start!.redirectUrl);
  expect(start!.binding).toMatchObject({ samlRequestId: requestId, testBy: org.adminId });
  const SAMLResponse = mintSamlResponse(idp, {
    acsUrl: samlAcsUrl(),
    requestId,
    nameId: who.sub,
    attributes: { email: who.email, name: 'Sam Lee', memberOf: ['eng', 'other'] },
    ...options,
  });
  const body = readSamlPost({ SAMLResponse, RelayState: relayState });
  // The answer crosses from the ACS to the signed-in GET in a sealed cookie.
  const answer = await openSamlTestAnswer(await sealSamlTestAnswer(await checkSamlTest(body, start!.binding, testRequest())));
  return { binding: start!.binding, body, answer };
}

const user = (label: string) => {
  const sub = `${label}-${Math.random().toString(36).slice(2)}`;
  return { sub, email: `${sub}@idp.test` };
};

async function counts(orgId: string) {
  const db = getDb();
  return {
    users: (await db.select().from(users).where(eq(users.organizationId, orgId))).length,
    identities: (await db.select().from(ssoIdentities).where(eq(ssoIdentities.organizationId, orgId))).length,
    ssoSessions: (await db.select().from(sessions).where(eq(sessions.organizationId, orgId))).filter((s) => s.authMethod === 'sso').length,
  };
}

describe('SAML test connection', () => {
  it('reports the NameID, attributes and would-be outcome without a session, a user or a link', async () => {
    const org = await makeOrg('samltest');
    const idp = makeSamlIdp('test');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Engineers' }));
    const input = saveSamlConnectionInput.parse({
      metadataXml: idp.metadataXml,
      jitEnabled: 'on',
      groupsClaim: 'memberOf',
      groupMappings: 'eng => Engineers',
    });
    const { id: connectionId } = await runMutation(asUser(org.orgId, org.adminId), (ctx) => saveSamlConnection(ctx, input));
    const before = await counts(org.orgId);
    const who = user('t');

    const assertionId = `_a${Math.random().toString(36).slice(2)}`;
    const { answer } = await testAs(org, idp, who, { assertionId });
    const result = await finishSamlTest(answer, sessionOf(org), testRequest());
    expect(result).toMatchObject({
      ok: true,
      report: {
        subject: who.sub,
        email: who.email,
        name: 'Sam Lee',
        groups: ['eng', 'other'],
        outcome: 'jit_create',
        user: null,
        mappedGroups: ['Engineers'],
      },
    });
    if (!result.ok) return;
    expect(result.report.claimNames).toEqual(expect.arrayContaining(['email', 'memberOf', 'nameID']));
    expect(await counts(org.orgId)).toEqual(before);
    const tested = (await auditRows(org.orgId)).filter((e) => e.actionType === 'SSO_CONNECTION_TESTED');
    expect(tested.map((e) => [e.userId, e.metadata])).toEqual([
      [org.adminId, expect.objectContaining({ connectionId, subject: who.sub, outcome: 'jit_create' })],
    ]);
    expect((await auditRows(org.orgId)).map((e) => e.actionType)).not.toContain('LOGIN');

    // The replay cache ran: the assertion was remembered, and a test answered with it again is refused.
    expect(await getDb().select().from(ssoSamlAssertions).where(eq(ssoSamlAssertions.connectionId, connectionId))).toHaveLength(1);
    expect((await testAs(org, idp, who, { assertionId })).answer).toMatchObject({ reason: 'saml_replayed' });
    // A test binding never completes a real sign-in.
    const again = await testAs(org, idp, user('t2'));
    expect(await completeSamlSignIn(again.body, again.binding, testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
    // Only the admin who started it, signed in to the same organization, gets the report.
    const other = await makeOrg('samltest2');
    expect(await finishSamlTest(again.answer, { ...sessionOf(org), orgId: other.orgId }, testRequest())).toEqual({
      ok: false,
      reason: 'state_mismatch',
    });
    expect(await finishSamlTest(again.answer, { ...sessionOf(org), userId: other.adminId }, testRequest())).toEqual({
      ok: false,
      reason: 'state_mismatch',
    });
    expect(await finishSamlTest(again.answer, null, testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
    expect(await finishSamlTest(null, sessionOf(org), testRequest())).toEqual({ ok: false, reason: 'state_mismatch' });
    expect(await counts(org.orgId)).toEqual(before);
  });

  it('reports the reason code of a failing check, audited as LOGIN_FAILED, and changes nothing', async () => {
    const org = await makeOrg('samltestneg');
    const idp = makeSamlIdp('testneg');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      saveSamlConnection(ctx, saveSamlConnectionInput.parse({ metadataXml: idp.metadataXml, jitEnabled: 'on' })),
    );
    const before = await counts(org.orgId);
    for (const [options, reason] of [
      [{ destination: 'https://elsewhere.test/acs' }, 'saml_destination'],
      [{ requestId: '_someone-elses-request' }, 'saml_in_response_to'],
      [{ sign: 'none' }, 'saml_rejected'],
      [{ issuer: 'https://another-idp.test' }, 'wrong_organization'],
    ] as [Partial<MintOptions>, string][]) {
      const { answer } = await testAs(org, idp, user('neg'), options);
      expect(await finishSamlTest(answer, sessionOf(org), testRequest())).toEqual({ ok: false, reason });
      expect((await auditRows(org.orgId)).filter((e) => e.actionType === 'LOGIN_FAILED').at(-1)?.metadata).toMatchObject({
        method: 'sso',
        reason,
      });
    }
    expect((await auditRows(org.orgId)).map((e) => e.actionType)).not.toContain('SSO_CONNECTION_TESTED');
    expect(await checkSamlTest(null, (await startSsoTest(org.slug, org.adminId))!.binding, testRequest())).toMatchObject({
      reason: 'saml_too_large',
    });
    expect(await counts(org.orgId)).toEqual(before);
  });

  it('refuses a member who may not manage SSO, at the start and at the report', async () => {
    const org = await makeOrg('samltestmember');
    const idp = makeSamlIdp('testmember');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      saveSamlConnection(ctx, saveSamlConnectionInput.parse({ metadataXml: idp.metadataXml })),
    );
    const member = await makeUser(org.orgId);
    expect((await rejection(startSsoTest(org.slug, member.id))).code).toBe('forbidden');
    // An admin's answer shown to a member (same organization) is refused too.
    const { answer } = await testAs(org, idp, user('m'));
    const forged = { ...answer!, testBy: member.id };
    expect(
      (await rejection(finishSamlTest(forged, { orgId: org.orgId, userId: member.id, sessionId: sessionOf(org).sessionId }, testRequest())))
        .code,
    ).toBe('forbidden');
    expect((await auditRows(org.orgId)).map((e) => e.actionType)).not.toContain('SSO_CONNECTION_TESTED');
  });
});
