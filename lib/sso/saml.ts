// SAML connections (an organization's one SSO connection is OIDC or SAML, decision 0015) and the
// SAML half of SSO sign-in. Jackson runs the protocol (AuthnRequest, signature verification,
// code and token); our own checks (saml-checks.ts) run first on the response, decoded and parsed
// once for the whole sign-in (readSamlPost), the
// assertion-id replay cache after Jackson accepted it; identity, JIT, group mapping and the
// session are the same path as OIDC (sign-in.ts signInIdentity).
import { and, eq, lt } from 'drizzle-orm';
import type { z } from 'zod';
import { getDb } from '@/db';
import { ssoConnections, ssoGroupMappings, ssoSamlAssertions, type SsoConnection } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { orgOf, type MutationCtx } from '@/lib/server/mutation';
import { safeEqual } from '@/lib/crypto/tokens';
import type { RequestMeta } from '@/lib/server/request-meta';
import type { SsoBinding } from './binding';
import {
  currentSettings,
  deleteJacksonConnection,
  findSsoConnection,
  insertMappings,
  resolveGroupSettings,
  settingsOf,
} from './connections';
import type { saveSamlConnectionInput } from './inputs';
import {
  externalUrl,
  getJackson,
  startedJackson,
  SAML_ACS_PATH,
  SAML_METADATA_PATH,
  SP_ENTITY_ID,
  SSO_COMPLETE_PATH,
  SSO_PRODUCT,
} from './jackson';
import { withJacksonTx } from './jackson-store';
import { checkSamlResponse, parseSamlResponse, responseIssuer, type SamlDocument } from './saml-checks';
import { checkProfile, claimAt, fail, signInIdentity, whoOf, type Profile, type SsoAnswer, type SsoResult } from './sign-in';

/** Our ACS URL: where the IdP POSTs its SAMLResponse. Register it at the IdP. */
export function samlAcsUrl(): string {
  return externalUrl() + SAML_ACS_PATH;
}

/** What the IdP's administrator needs from us. */
export function samlServiceProvider() {
  return { acsUrl: samlAcsUrl(), entityId: SP_ENTITY_ID, metadataUrl: externalUrl() + SAML_METADATA_PATH };
}

/** Our SP metadata XML (entity id, ACS URL, Jackson's request-signing certificate). */
export async function samlSpMetadataXml(): Promise<string> {
  const jackson = await getJackson();
  return jackson.spConfig.toXMLMetadata(false);
}

type JacksonSamlConnection = { clientID: string; clientSecret: string; idpMetadata?: { entityID?: string } };

function metadataError(e: unknown): AppError {
  const detail = e instanceof Error ? e.message : String(e);
  return AppError.field('metadataXml', `The identity provider’s metadata could not be used: ${detail.slice(0, 200)}`);
}

/**
 * Creates or updates the organization's SAML connection (admins; SSO_CONNECTION_CREATED or
 * _UPDATED with type saml). It replaces an OIDC connection. Blank metadata on an update of a SAML
 * connection keeps the stored metadata.
 */
export async function saveSamlConnection(ctx: MutationCtx, input: z.output<typeof saveSamlConnectionInput>): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const existing = await findSsoConnection(orgId, ctx.tx);
  const keepSaml = existing?.type === 'saml' ? existing : null;
  if (!keepSaml && !input.metadataXml && !input.metadataUrl)
    throw AppError.field('metadataXml', 'Paste your identity provider’s SAML metadata XML, or give its metadata URL.');
  const mappings = await resolveGroupSettings(ctx, orgId, input);

  const jackson = startedJackson();
  const complete = externalUrl() + SSO_COMPLETE_PATH;
  const metadata = input.metadataXml ? { rawMetadata: input.metadataXml } : input.metadataUrl ? { metadataUrl: input.metadataUrl } : {};
  const saved = await withJacksonTx(ctx.tx, async (): Promise<JacksonSamlConnection> => {
    try {
      if (keepSaml) {
        const [current] = (await jackson.connectionAPIController.getConnections({
          clientID: keepSaml.jacksonClientId,
        })) as unknown as JacksonSamlConnection[];
        if (!current) throw new AppError('internal', 'The stored SAML connection is missing. Delete it and set it up again.');
        if (!('rawMetadata' in metadata) && !('metadataUrl' in metadata)) return current;
        await jackson.connectionAPIController.updateSAMLConnection({
          clientID: current.clientID,
          clientSecret: current.clientSecret,
          tenant: orgId,
          product: SSO_PRODUCT,
          ...metadata,
        } as Parameters<typeof jackson.connectionAPIController.updateSAMLConnection>[0]);
        const [updated] = (await jackson.connectionAPIController.getConnections({
          clientID: keepSaml.jacksonClientId,
        })) as unknown as JacksonSamlConnection[];
        return updated!;
      }
      if (existing) await deleteJacksonConnection(existing.jacksonClientId);
      return (await jackson.connectionAPIController.createSAMLConnection({
        tenant: orgId,
        product: SSO_PRODUCT,
        name: 'SAML',
        redirectUrl: [complete],
        defaultRedirectUrl: complete,
        ...metadata,
      } as Parameters<typeof jackson.connectionAPIController.createSAMLConnection>[0])) as unknown as JacksonSamlConnection;
    } catch (e) {
      throw e instanceof AppError ? e : metadataError(e);
    }
  });
  const entityId = saved.idpMetadata?.entityID;
  if (!entityId) throw AppError.field('metadataXml', 'The metadata names no IdP entity id.');

  const values = {
    jacksonClientId: saved.clientID,
    type: 'saml' as const,
    discoveryUrl: null,
    clientId: null,
    samlIdpEntityId: entityId,
    samlMetadataUrl: input.metadataUrl || (input.metadataXml ? null : (keepSaml?.samlMetadataUrl ?? null)),
    samlIdpInitiated: input.idpInitiated,
    samlAllowSha1: input.allowSha1,
    emailClaim: input.emailClaim,
    nameClaim: input.nameClaim,
    groupsClaim: input.groupsClaim,
    jitEnabled: input.jitEnabled,
    defaultGroupId: input.defaultGroupId,
  };
  const after = settingsOf(values, mappings);
  if (existing) {
    const before = await currentSettings(ctx, existing);
    await ctx.tx
      .update(ssoConnections)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(ssoConnections.id, existing.id));
    await ctx.tx.delete(ssoGroupMappings).where(eq(ssoGroupMappings.connectionId, existing.id));
    await insertMappings(ctx, orgId, existing.id, mappings);
    await record(ctx, { actionType: 'SSO_CONNECTION_UPDATED', metadata: { connectionId: existing.id, before, after } });
    return { id: existing.id };
  }
  const [row] = await ctx.tx
    .insert(ssoConnections)
    .values({ organizationId: orgId, ...values })
    .returning({ id: ssoConnections.id });
  await insertMappings(ctx, orgId, row!.id, mappings);
  await record(ctx, { actionType: 'SSO_CONNECTION_CREATED', metadata: { connectionId: row!.id, after } });
  return { id: row!.id };
}

/** The connection an IdP-initiated response's issuer names, when exactly one does. */
async function connectionOfIssuer(document: SamlDocument): Promise<SsoConnection | null> {
  const issuer = responseIssuer(document);
  const candidates = issuer
    ? await getDb()
        .select()
        .from(ssoConnections)
        .where(and(eq(ssoConnections.type, 'saml'), eq(ssoConnections.samlIdpEntityId, issuer)))
    : [];
  return candidates.length === 1 ? candidates[0]! : null;
}

/** For a refused IdP-initiated sign-in: the organization whose sign-in page explains it. */
export async function samlIssuerOrgId(post: SamlPost): Promise<string | null> {
  if (post.document === null) return null;
  return (await connectionOfIssuer(post.document))?.organizationId ?? null;
}

/**
 * Records the assertion id; false when it was already used and has not expired. Expired entries
 * of the connection are pruned first, so the table never outgrows the live assertions.
 */
export async function rememberAssertion(connectionId: string, assertionId: string, until: Date): Promise<boolean> {
  const db = getDb();
  await db
    .delete(ssoSamlAssertions)
    .where(and(eq(ssoSamlAssertions.connectionId, connectionId), lt(ssoSamlAssertions.expiresAt, new Date())));
  const inserted = await db
    .insert(ssoSamlAssertions)
    .values({ connectionId, assertionId: assertionId.slice(0, 512), expiresAt: until })
    .onConflictDoNothing()
    .returning({ id: ssoSamlAssertions.assertionId });
  return inserted.length === 1;
}

/**
 * Finishes a SAML sign-in from the ACS POST. With this browser's binding (an SP-initiated
 * sign-in) the response must answer its AuthnRequest; without one it is IdP-initiated, accepted
 * only when its issuer's connection allows that. Never throws for a refused sign-in.
 */
export async function completeSamlSignIn(body: SamlPost, binding: SsoBinding | null, request: RequestMeta): Promise<SsoResult> {
  // A test started from the settings page never signs anyone in (lib/sso/test-connection.ts).
  if (binding?.testBy) return { ok: false, reason: 'state_mismatch' };
  const answer = await verifySamlResponse(body, binding, request);
  return 'connection' in answer ? signInIdentity(answer.connection, answer.profile, request) : answer;
}

/**
 * The ACS POST, its SAMLResponse decoded and parsed once (`document`, null when over the size cap)
 * for every check and lookup of the sign-in; Jackson verifies the `SAMLResponse` it came from.
 */
export type SamlPost = { SAMLResponse: string; RelayState: string; document: SamlDocument | null };

/** The ACS form's fields as a SamlPost. */
export function readSamlPost(form: { SAMLResponse?: string; RelayState?: string }): SamlPost {
  const SAMLResponse = form.SAMLResponse ?? '';
  return { SAMLResponse, RelayState: form.RelayState ?? '', document: parseSamlResponse(SAMLResponse) };
}

/**
 * The ACS POST's response, checked: our checks, Jackson's signature verification, the replay
 * cache, InResponseTo and state bound to this browser, the organization. Refusals are audited
 * (LOGIN_FAILED) and returned. Shared by sign-in and "test connection".
 */
export async function verifySamlResponse(body: SamlPost, binding: SsoBinding | null, request: RequestMeta): Promise<SsoAnswer | SsoResult> {
  let connection: SsoConnection | undefined;
  if (binding?.samlRequestId) {
    [connection] = await getDb()
      .select()
      .from(ssoConnections)
      .where(
        and(eq(ssoConnections.id, binding.connectionId), eq(ssoConnections.organizationId, binding.orgId), eq(ssoConnections.type, 'saml')),
      );
    if (!connection) return fail(binding.orgId, request, null, 'no_connection');
  } else {
    // IdP-initiated: nothing from this browser says which organization; the issuer does.
    if (body.document === null) return { ok: false, reason: 'saml_too_large' };
    // Unknown or ambiguous issuer: nothing trustworthy names an organization, so no audit row.
    const found = await connectionOfIssuer(body.document);
    if (!found) return { ok: false, reason: 'no_connection' };
    connection = found;
    if (!connection.samlIdpInitiated) return fail(connection.organizationId, request, connection.id, 'saml_idp_initiated_off');
  }
  const orgId = connection.organizationId;
  const spInitiated = Boolean(binding?.samlRequestId);

  const checked = checkSamlResponse(body.document, {
    acsUrl: samlAcsUrl(),
    audience: SP_ENTITY_ID,
    requestId: binding?.samlRequestId ?? null,
    allowSha1: connection.samlAllowSha1,
  });
  if (!checked.ok) return fail(orgId, request, connection.id, checked.reason);
  // An IdP other than this connection's answering this browser's request (another organization's).
  if (checked.issuer !== connection.samlIdpEntityId) return fail(orgId, request, connection.id, 'wrong_organization');

  const jackson = await getJackson();
  let redirect: URL;
  try {
    // IdP-initiated: the IdP's RelayState is never passed on (Jackson would take a session-shaped
    // one for an SP-initiated flow).
    const res = await jackson.oauthController.samlResponse({
      SAMLResponse: body.SAMLResponse,
      RelayState: spInitiated ? body.RelayState : '',
    });
    if (!res.redirect_url) return fail(orgId, request, connection.id, 'saml_rejected');
    redirect = new URL(res.redirect_url);
  } catch {
    return fail(orgId, request, connection.id, 'saml_rejected');
  }
  const complete = externalUrl() + SSO_COMPLETE_PATH;
  const code = redirect.searchParams.get('code');
  if (redirect.origin + redirect.pathname !== complete || redirect.searchParams.get('error') || !code)
    return fail(orgId, request, connection.id, 'saml_rejected');
  if (spInitiated && !safeEqual(redirect.searchParams.get('state') ?? '', binding!.state))
    return fail(orgId, request, connection.id, 'state_mismatch');

  if (!(await rememberAssertion(connection.id, checked.assertionId, checked.replayUntil)))
    return fail(orgId, request, connection.id, 'saml_replayed');

  let info: {
    id: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    raw?: Record<string, unknown>;
    requested?: { tenant?: string; product?: string; client_id?: string };
  };
  try {
    const [jc] = (await jackson.connectionAPIController.getConnections({
      clientID: connection.jacksonClientId,
    })) as unknown as JacksonSamlConnection[];
    const token = await jackson.oauthController.token({
      grant_type: 'authorization_code',
      code,
      client_id: connection.jacksonClientId,
      ...(spInitiated ? { code_verifier: binding!.codeVerifier, redirect_uri: complete } : { client_secret: jc?.clientSecret ?? '' }),
    } as unknown as Parameters<typeof jackson.oauthController.token>[0]);
    info = (await jackson.oauthController.userInfo(token.access_token)) as unknown as typeof info;
  } catch {
    return fail(orgId, request, connection.id, 'saml_rejected');
  }
  const requested = info.requested;
  if (
    requested?.tenant !== orgId ||
    requested?.product !== SSO_PRODUCT ||
    (spInitiated && requested?.client_id !== connection.jacksonClientId)
  ) {
    return fail(orgId, request, connection.id, 'wrong_organization');
  }

  const attributes = info.raw ?? {};
  const email = claimAt(attributes, connection.emailClaim) ?? info.email;
  const name = claimAt(attributes, connection.nameClaim);
  const [given, ...family] = typeof name === 'string' ? name.trim().split(/\s+/) : [];
  const groups = claimAt(attributes, connection.groupsClaim);
  const profile: Profile = {
    subject: String(info.id ?? ''),
    email: typeof email === 'string' && email.includes('@') ? email.trim() : null,
    firstName: given ?? info.firstName ?? '',
    lastName: given ? family.join(' ') : (info.lastName ?? ''),
    groups: typeof groups === 'string' ? [groups] : Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
  };
  const storable = checkProfile(profile);
  if (typeof storable === 'string') return fail(orgId, request, connection.id, storable, whoOf(profile));
  return { connection, profile: storable, claims: { ...attributes, nameID: profile.subject }, accessTokenClaims: {} };
}
