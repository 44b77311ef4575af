// OIDC sign-in through the embedded Jackson. start: authorize at Jackson (only our own
// parameters) and bind the flow to this browser. complete: Jackson exchanges the IdP's code and
// checks the ID token in-process; we then check the browser binding and that the connection that
// answered belongs to the organization that started, find the identity by (organization,
// connection, subject), provision or refuse, apply group mappings and create the session the
// same way password sign-in does. Every outcome is audited; no token ever reaches the audit log.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { groupMembers, organizations, ssoConnections, ssoIdentities, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { checkIdTokenClaims, ID_TOKEN_FAILURE_MESSAGES } from '@/lib/auth/id-token';
import { openIdentityLink } from '@/lib/auth/identity-link';
import type { SSO_FAILURE_REASONS } from '@/lib/audit/events';
import { randomToken, safeEqual } from '@/lib/crypto/tokens';
import { isStorableText, printable } from '@/lib/storable-text';
import { findOrganizationBySlug } from '@/lib/orgs/reads';
import { runMutation, type MutationCtx } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { createSession } from '@/lib/sessions/writes';
import type { SsoBinding } from './binding';
import { findSsoConnection, type ClaimSource } from './connections';
import { applyGroupMappings } from './group-mappings';
import { samlRequestIdOf } from './saml-request';
import { verifiedAccessTokenClaims } from './access-token';
import { captureIdpTokens, externalUrl, getJackson, SSO_COMPLETE_PATH, SSO_PRODUCT, type IdpTokens } from './jackson';

export type SsoFailureReason = (typeof SSO_FAILURE_REASONS)[number];

/** What the person signing in is told, per reason (the audit row has the details). */
export const SSO_FAILURE_MESSAGES: Record<SsoFailureReason, string> = {
  ...ID_TOKEN_FAILURE_MESSAGES,
  missing_state: 'This sign-in link is incomplete or has expired. Start again from the sign-in page.',
  state_mismatch: 'This sign-in was not started in this browser, or it has already been used. Start again from the sign-in page.',
  idp_error: 'Your identity provider did not sign you in. Try again, or ask your admin.',
  token_rejected:
    'Your identity provider’s answer could not be verified, so you were not signed in. Ask your admin to check the SSO connection.',
  wrong_organization: 'This sign-in belongs to another organization. Start again from your organization’s sign-in page.',
  no_connection: 'This organization does not offer single sign-on.',
  missing_claims: 'Your identity provider did not send an email address for you. Ask your admin to check the SSO connection.',
  unstorable_claims:
    'Your identity provider sent an identifier or email address with characters that cannot be stored (a NUL or a broken character), so you were not signed in. Ask your admin to check the SSO connection.',
  unknown_user: 'You do not have an account in this organization yet. Ask your admin to invite you.',
  email_taken:
    'An account with your email address already exists in this organization and is not linked to single sign-on, and it has no password to prove it is yours. Ask your admin.',
  user_disabled: 'Your account is disabled. Ask your admin.',
  access_token_not_jwt:
    'Your identity provider sent an access token that cannot be read (it is not a JWT), but this organization reads your email or groups from it. Ask your admin to check the SSO connection.',
  access_token_rejected:
    'Your identity provider’s access token could not be verified, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_too_large:
    'Your identity provider’s answer was too large to accept, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_malformed:
    'Your identity provider’s answer could not be read, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_assertion_count:
    'Your identity provider’s answer must carry exactly one assertion, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_audience:
    'Your identity provider’s answer was meant for another service, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_destination:
    'Your identity provider’s answer was addressed to another URL, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_recipient:
    'Your identity provider’s answer was confirmed for another URL, so you were not signed in. Ask your admin to check the SSO connection.',
  saml_expired:
    'Your identity provider’s answer has expired, or its validity period is missing. Start again from the sign-in page; if it happens again, ask your admin.',
  saml_in_response_to: 'This sign-in was not started in this browser, or it has already been used. Start again from the sign-in page.',
  saml_sha1:
    'Your identity provider signed its answer with SHA-1, which this organization does not accept, so you were not signed in. Ask your admin to switch the identity provider to SHA-256.',
  saml_replayed: 'This sign-in has already been used. Start again from the sign-in page.',
  saml_idp_initiated_off:
    'This organization does not accept sign-ins started at the identity provider. Start from your organization’s sign-in page.',
  saml_rejected:
    'Your identity provider’s answer could not be verified, so you were not signed in. Ask your admin to check the SSO connection.',
};

export type SsoStart = { redirectUrl: string; binding: SsoBinding };
/** `linkToken`: the email belongs to an account that may prove itself to link this identity (lib/auth/identity-link.ts). */
export type SsoResult = { ok: true; sessionId: string; orgSlug: string } | { ok: false; reason: SsoFailureReason; linkToken?: string };

const completeUrl = () => externalUrl() + SSO_COMPLETE_PATH;

/** Starts a sign-in for the organization; null when it has no SSO connection. */
export async function startSsoSignIn(orgSlug: string): Promise<SsoStart | null> {
  const org = await findOrganizationBySlug(orgSlug);
  const connection = org ? await findSsoConnection(org.id) : null;
  if (!org || !connection) return null;
  const state = randomToken();
  const codeVerifier = randomBytes(32).toString('base64url');
  const jackson = await getJackson();
  const { redirect_url: redirectUrl, authorize_form: authorizeForm } = await jackson.oauthController.authorize({
    client_id: connection.jacksonClientId,
    redirect_uri: completeUrl(),
    response_type: 'code',
    state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  } as Parameters<typeof jackson.oauthController.authorize>[0]);
  if (!redirectUrl || redirectUrl.startsWith(completeUrl())) {
    const why = redirectUrl
      ? new URL(redirectUrl).searchParams.get('error_description')
      : authorizeForm
        ? 'the IdP accepts only POST-binding requests'
        : 'no redirect';
    throw new Error(`Jackson could not start an SSO sign-in for ${orgSlug}: ${why}`);
  }
  const binding: SsoBinding = { state, codeVerifier, orgId: org.id, connectionId: connection.id };
  // SAML: the AuthnRequest's ID, so the response's InResponseTo can be bound to this browser.
  if (connection.type === 'saml') binding.samlRequestId = await samlRequestIdOf(redirectUrl);
  return { redirectUrl, binding };
}

/** A claim by dotted path from the ID token and userinfo claims. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let cur: unknown = claims;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function groupValues(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export async function fail(
  orgId: string,
  request: RequestMeta,
  connectionId: string | null,
  reason: SsoFailureReason,
  who: { subject?: string; email?: string } = {},
): Promise<SsoResult> {
  // What the IdP said, as far as it can be stored: a NUL in it must not turn the refusal into a 500.
  const said = Object.fromEntries(Object.entries(who).map(([k, v]) => [k, printable(v)]));
  await runMutation({ orgId, actor: { kind: 'anonymous' }, request }, (ctx) =>
    record(ctx, { actionType: 'LOGIN_FAILED', metadata: { method: 'sso', connectionId, reason, ...said } }, { userId: null }),
  );
  return { ok: false, reason };
}

export type Profile = { subject: string; email: string | null; firstName: string; lastName: string; groups: string[] };

/** Who the IdP says signed in, for a LOGIN_FAILED row: its subject and email, when it sent them. */
export function whoOf(profile: Profile): { subject?: string; email?: string } {
  return { ...(profile.subject ? { subject: profile.subject } : {}), ...(profile.email ? { email: profile.email } : {}) };
}

/**
 * The profile an IdP's answer (OIDC or SAML) gives, checked before anything is looked up or
 * written: no subject refuses the sign-in (`missing_claims`), a subject or email Postgres cannot
 * store (a NUL, a broken surrogate) refuses it by name (`unstorable_claims`). Names keep such
 * characters as U+FFFD; group values holding them are dropped, as no group mapping can name them.
 */
export function checkProfile(profile: Profile): Profile | SsoFailureReason {
  if (!profile.subject) return 'missing_claims';
  if (!isStorableText(profile.subject) || (profile.email !== null && !isStorableText(profile.email))) return 'unstorable_claims';
  return {
    ...profile,
    firstName: printable(profile.firstName),
    lastName: printable(profile.lastName),
    groups: profile.groups.filter(isStorableText),
  };
}

/**
 * Finishes a sign-in from the IdP's callback parameters. `binding` is this browser's sealed
 * cookie (null when absent). Never throws for a refused sign-in; returns the reason.
 */
export async function completeSsoSignIn(
  params: Record<string, string>,
  binding: SsoBinding | null,
  request: RequestMeta,
): Promise<SsoResult> {
  // A test started from the settings page never signs anyone in (lib/sso/test-connection.ts).
  if (binding?.testBy) return { ok: false, reason: 'state_mismatch' };
  const answer = await exchangeSsoResponse(params, binding, request);
  return 'connection' in answer ? signInIdentity(answer.connection, answer.profile, request) : answer;
}

/** `claims`: the ID token's and userinfo's; `accessTokenClaims`: the verified access token's, when the connection reads it. */
export type SsoAnswer = {
  connection: Connection;
  profile: Profile;
  claims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
};

/**
 * The IdP's answer for this browser's binding, checked: Jackson exchanges the code, the state and
 * the organization must match. Refusals are audited (LOGIN_FAILED) and returned.
 */
export async function exchangeSsoResponse(
  params: Record<string, string>,
  binding: SsoBinding | null,
  request: RequestMeta,
): Promise<SsoAnswer | SsoResult> {
  if (!binding) return { ok: false, reason: 'missing_state' };
  const { orgId } = binding;
  const [connection] = await getDb()
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.id, binding.connectionId), eq(ssoConnections.organizationId, orgId)));
  if (!connection) return fail(orgId, request, null, 'no_connection');
  if (!params.state) return fail(orgId, request, connection.id, 'missing_state');

  const jackson = await getJackson();
  const idpTokens: IdpTokens = {};
  let redirect: URL;
  try {
    const res = await captureIdpTokens(idpTokens, () =>
      jackson.oauthController.oidcAuthzResponse(params as Parameters<typeof jackson.oauthController.oidcAuthzResponse>[0]),
    );
    if (!res.redirect_url) return fail(orgId, request, connection.id, 'token_rejected');
    redirect = new URL(res.redirect_url);
  } catch {
    // Jackson has no record of this state: forged, replayed or expired.
    return fail(orgId, request, connection.id, 'state_mismatch');
  }
  if (redirect.origin + redirect.pathname !== completeUrl()) return fail(orgId, request, connection.id, 'token_rejected');
  if (redirect.searchParams.get('error')) return fail(orgId, request, connection.id, params.error ? 'idp_error' : 'token_rejected');
  const code = redirect.searchParams.get('code');
  const state = redirect.searchParams.get('state') ?? '';
  if (!code || !safeEqual(state, binding.state)) return fail(orgId, request, connection.id, 'state_mismatch');
  // The IdP's ID token, as Jackson received it: our nonce and time checks (lib/auth/id-token.ts).
  // An empty slot (Jackson no longer reports it) has no nonce, and is refused.
  const idToken = idpTokens.idTokenClaims ?? {};
  const tokenProblem = checkIdTokenClaims(idToken, 'checked_upstream');
  if (tokenProblem) {
    const subject = typeof idToken.sub === 'string' ? { subject: idToken.sub } : {};
    return fail(orgId, request, connection.id, tokenProblem, subject);
  }

  let claims: Record<string, unknown>;
  let requested: { tenant?: string; product?: string; client_id?: string } | undefined;
  try {
    const token = await jackson.oauthController.token({
      grant_type: 'authorization_code',
      code,
      client_id: connection.jacksonClientId,
      code_verifier: binding.codeVerifier,
      redirect_uri: completeUrl(),
    } as unknown as Parameters<typeof jackson.oauthController.token>[0]);
    const info = (await jackson.oauthController.userInfo(token.access_token)) as unknown as {
      id: string;
      raw?: Record<string, unknown>;
      requested?: typeof requested;
    };
    claims = { ...(info.raw ?? {}), sub: info.id };
    requested = info.requested;
  } catch {
    return fail(orgId, request, connection.id, 'token_rejected');
  }
  // The connection that answered must be the one this browser's organization started with.
  if (requested?.tenant !== orgId || requested?.product !== SSO_PRODUCT || requested?.client_id !== connection.jacksonClientId) {
    return fail(orgId, request, connection.id, 'wrong_organization');
  }

  // Email and groups from the access token when the connection says so: only a JWT that verifies.
  let accessClaims: Record<string, unknown> = {};
  if (connection.emailClaimSource === 'access_token' || connection.groupsClaimSource === 'access_token') {
    const verified = await verifiedAccessTokenClaims(idpTokens);
    if (!verified.ok) return fail(orgId, request, connection.id, verified.reason, { subject: String(claims.sub) });
    accessClaims = verified.claims;
  }
  const from = (source: ClaimSource) => (source === 'access_token' ? accessClaims : claims);

  const name = claimAt(claims, connection.nameClaim);
  const [given, ...family] = typeof name === 'string' ? name.trim().split(/\s+/) : [];
  const email = claimAt(from(connection.emailClaimSource), connection.emailClaim);
  const profile: Profile = {
    subject: String(claims.sub),
    email: typeof email === 'string' && email.includes('@') ? email.trim() : null,
    firstName: typeof claims.given_name === 'string' ? claims.given_name : (given ?? ''),
    lastName: typeof claims.family_name === 'string' ? claims.family_name : family.join(' '),
    groups: groupValues(claimAt(from(connection.groupsClaimSource), connection.groupsClaim)),
  };
  const checked = checkProfile(profile);
  if (typeof checked === 'string') return fail(orgId, request, connection.id, checked, whoOf(profile));
  return { connection, profile: checked, claims, accessTokenClaims: accessClaims };
}

export async function organizationSlug(orgId: string): Promise<string | null> {
  const [org] = await getDb().select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId));
  return org?.slug ?? null;
}

export type Connection = typeof ssoConnections.$inferSelect;

export async function signInIdentity(connection: Connection, profile: Profile, request: RequestMeta): Promise<SsoResult> {
  const orgId = connection.organizationId;
  const orgSlug = await organizationSlug(orgId);
  return runMutation({ orgId, actor: { kind: 'anonymous' }, request }, async (ctx): Promise<SsoResult> => {
    const { tx } = ctx;
    // One sign-in at a time per identity: a first sign-in cannot provision the user twice.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`sso:${connection.id}:${profile.subject}`}, 0))`);
    const who = whoOf(profile);
    const refuse = async (reason: SsoFailureReason, userId: string | null = null): Promise<SsoResult> => {
      await record(
        ctx,
        { actionType: 'LOGIN_FAILED', metadata: { method: 'sso', connectionId: connection.id, reason, ...who } },
        { userId },
      );
      return { ok: false, reason };
    };

    const [identity] = await tx
      .select({ id: ssoIdentities.id, userId: ssoIdentities.userId, disabledAt: users.disabledAt })
      .from(ssoIdentities)
      .innerJoin(users, eq(users.id, ssoIdentities.userId))
      .where(
        and(
          eq(ssoIdentities.organizationId, orgId),
          eq(ssoIdentities.connectionId, connection.id),
          eq(ssoIdentities.subject, profile.subject),
        ),
      );

    let userId: string;
    if (identity) {
      if (identity.disabledAt) return refuse('user_disabled', identity.userId);
      userId = identity.userId;
    } else {
      if (!profile.email) return refuse('missing_claims');
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.organizationId, orgId), sql`lower(${users.email}) = ${profile.email.toLowerCase()}`));
      // No silent linking by email: the existing account must prove itself first.
      if (taken) {
        const linkToken = await openIdentityLink(ctx, {
          orgId,
          userId: taken.id,
          provider: 'sso',
          connectionId: connection.id,
          subject: profile.subject,
          email: profile.email,
          groups: profile.groups,
        });
        const refused = await refuse('email_taken', taken.id);
        return linkToken ? { ok: false, reason: 'email_taken', linkToken } : refused;
      }
      if (!connection.jitEnabled) return refuse('unknown_user');
      userId = await provisionUser(ctx, connection, profile, profile.email);
    }

    await applyGroupMappings(ctx, connection.id, userId, profile.groups);
    const now = new Date();
    await tx
      .update(ssoIdentities)
      .set({ lastLoginAt: now })
      .where(and(eq(ssoIdentities.connectionId, connection.id), eq(ssoIdentities.subject, profile.subject)));
    const sessionId = await createSession(ctx, { orgId, userId, authMethod: 'sso' });
    await tx.update(users).set({ lastLoginAt: now, lastActiveAt: now }).where(eq(users.id, userId));
    ctx.actor = { kind: 'user', userId, sessionId };
    await record(ctx, { actionType: 'LOGIN', metadata: { method: 'sso', sessionId } });
    return { ok: true, sessionId, orgSlug: orgSlug ?? '' };
  });
}

/** Just-in-time provisioning: a user without a password, its identity, the default group. */
async function provisionUser(ctx: MutationCtx, connection: Connection, profile: Profile, email: string): Promise<string> {
  const orgId = connection.organizationId;
  const [user] = await ctx.tx
    .insert(users)
    .values({
      organizationId: orgId,
      email,
      firstName: profile.firstName.slice(0, 100),
      lastName: profile.lastName.slice(0, 100),
      passwordHash: null,
    })
    .returning({ id: users.id });
  await ctx.tx
    .insert(ssoIdentities)
    .values({ organizationId: orgId, connectionId: connection.id, subject: profile.subject, userId: user!.id });
  const groupIds = connection.defaultGroupId ? [connection.defaultGroupId] : [];
  if (groupIds.length)
    await ctx.tx.insert(groupMembers).values(groupIds.map((groupId) => ({ organizationId: orgId, groupId, userId: user!.id })));
  await record(
    ctx,
    {
      actionType: 'SSO_JIT_USER_CREATED',
      metadata: { connectionId: connection.id, targetUserId: user!.id, email, subject: profile.subject, groupIds },
    },
    { userId: user!.id },
  );
  return user!.id;
}
