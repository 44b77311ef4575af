// "Test connection": an admin goes through the identity provider from the settings page and sees
// the claims received and what a real sign-in would do (which user, JIT, groups), without a
// session or any change but the SSO_CONNECTION_TESTED audit event. The flow is bound to the
// admin's browser (the sealed binding names them) and to their signed-in session and organization.
// OIDC: the callback (a top-level GET, with the session cookie) makes the report. SAML: the IdP's
// cross-site POST to the ACS carries the SameSite=None binding but not the Lax session cookie, so
// the ACS runs every check (verifySamlResponse) and seals the answer for this browser; the GET it
// redirects to (/api/sso/saml/test, with the session) checks the admin and makes the same report.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { permissionGroups, ssoConnections, ssoGroupMappings, ssoIdentities, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { seal, unseal } from '@/lib/auth/sealed';
import { authorize } from '@/lib/authz/authorize';
import { can } from '@/lib/authz/can';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { samlBindingCookie, type SsoBinding } from './binding';
import { verifySamlResponse, type SamlPost } from './saml';
import { exchangeSsoResponse, startSsoSignIn, type Connection, type Profile, type SsoFailureReason, type SsoStart } from './sign-in';
import { findOrganizationBySlug } from '@/lib/orgs/reads';

export type SsoTestOutcome = 'existing_user' | 'jit_create' | 'email_taken' | 'unknown_user' | 'user_disabled';

export type SsoTestReport = {
  subject: string;
  email: string | null;
  name: string;
  groups: string[];
  claimNames: string[];
  /** The verified access token's claim names, when the connection reads email or groups there (absent in older reports). */
  accessTokenClaimNames?: string[];
  outcome: SsoTestOutcome;
  /** The Gatehouse user the identity maps to (or the existing account whose email it carries). */
  user: { id: string; email: string } | null;
  /** Permission groups the group mapping (and, for a new user, the default group) would give. */
  mappedGroups: string[];
};

export type SsoTestResult = { ok: true; report: SsoTestReport } | { ok: false; reason: SsoFailureReason };

/**
 * Starts a test for the admin's organization (OIDC or SAML); null when it has no connection.
 * Only someone who may manage the organization's settings may start one.
 */
export async function startSsoTest(orgSlug: string, adminUserId: string): Promise<SsoStart | null> {
  const org = await findOrganizationBySlug(orgSlug);
  if (!org || !can(await loadSnapshot(org.id, adminUserId, getDb()), 'manage', { kind: 'org', area: 'settings' }).allowed) {
    throw new AppError('forbidden', 'Only admins who manage single sign-on can test it.');
  }
  const start = await startSsoSignIn(orgSlug);
  return start ? { ...start, binding: { ...start.binding, testBy: adminUserId } } : null;
}

/** What the identity provider's answer said, for the report. */
type TestAnswer = { connection: Connection; profile: Profile; claimNames: string[]; accessTokenClaimNames: string[] };

async function preview(answer: TestAnswer): Promise<SsoTestReport> {
  const { connection, profile } = answer;
  const db = getDb();
  const orgId = connection.organizationId;
  const [identity] = await db
    .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
    .from(ssoIdentities)
    .innerJoin(users, eq(users.id, ssoIdentities.userId))
    .where(
      and(
        eq(ssoIdentities.organizationId, orgId),
        eq(ssoIdentities.connectionId, connection.id),
        eq(ssoIdentities.subject, profile.subject),
      ),
    );
  const [taken] =
    identity || !profile.email
      ? []
      : await db
          .select({ id: users.id, email: users.email })
          .from(users)
          .where(and(eq(users.organizationId, orgId), sql`lower(${users.email}) = ${profile.email.toLowerCase()}`));
  const outcome: SsoTestOutcome = identity
    ? identity.disabledAt
      ? 'user_disabled'
      : 'existing_user'
    : taken
      ? 'email_taken'
      : connection.jitEnabled && profile.email
        ? 'jit_create'
        : 'unknown_user';
  const mapped = profile.groups.length
    ? await db
        .select({ name: permissionGroups.name })
        .from(ssoGroupMappings)
        .innerJoin(permissionGroups, eq(permissionGroups.id, ssoGroupMappings.groupId))
        .where(and(eq(ssoGroupMappings.connectionId, connection.id), inArray(ssoGroupMappings.idpGroup, profile.groups)))
    : [];
  const [defaultGroup] =
    outcome === 'jit_create' && connection.defaultGroupId
      ? await db.select({ name: permissionGroups.name }).from(permissionGroups).where(eq(permissionGroups.id, connection.defaultGroupId))
      : [];
  return {
    subject: profile.subject,
    email: profile.email,
    name: `${profile.firstName} ${profile.lastName}`.trim(),
    groups: profile.groups.slice(0, 50),
    claimNames: answer.claimNames.slice(0, 50),
    accessTokenClaimNames: answer.accessTokenClaimNames.slice(0, 50),
    outcome,
    user: identity ? { id: identity.id, email: identity.email } : taken ? { id: taken.id, email: taken.email } : null,
    mappedGroups: [...new Set([...mapped.map((m) => m.name), ...(defaultGroup ? [defaultGroup.name] : [])])].sort(),
  };
}

/**
 * Finishes a test: only in the browser of the admin who started it, signed in to the same
 * organization. Creates no session and changes nothing; records SSO_CONNECTION_TESTED.
 */
export async function completeSsoTest(
  params: Record<string, string>,
  binding: SsoBinding | null,
  session: { orgId: string; userId: string; sessionId: string } | null,
  request: RequestMeta,
): Promise<SsoTestResult> {
  if (!isTester(binding, session)) return { ok: false, reason: 'state_mismatch' };
  const answer = await exchangeSsoResponse(params, binding, request);
  if (!('connection' in answer)) return answer.ok ? { ok: false, reason: 'token_rejected' } : answer;
  const { connection, profile, claims, accessTokenClaims } = answer;
  return report(
    { connection, profile, claimNames: Object.keys(claims).sort(), accessTokenClaimNames: Object.keys(accessTokenClaims).sort() },
    session!,
    request,
  );
}

type TestSession = { orgId: string; userId: string; sessionId: string };

function isTester(binding: { testBy?: string; orgId: string } | null, session: TestSession | null): boolean {
  return Boolean(binding?.testBy && session && binding.testBy === session.userId && binding.orgId === session.orgId);
}

/** The report, audited as SSO_CONNECTION_TESTED by the admin (who must still manage settings). */
async function report(answer: TestAnswer, session: TestSession, request: RequestMeta): Promise<SsoTestResult> {
  const result = await preview(answer);
  await runMutation(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request },
    async (ctx) => {
      await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
      await record(ctx, {
        actionType: 'SSO_CONNECTION_TESTED',
        metadata: { connectionId: answer.connection.id, subject: result.subject, email: result.email, outcome: result.outcome },
      });
    },
  );
  return { ok: true, report: result };
}

/**
 * The SAML half, at the ACS: every check of a real sign-in (verifySamlResponse), then the answer
 * (or the refusal's reason) sealed for this browser; no session is read, nothing is changed.
 */
export type SamlTestAnswer = { testBy: string; orgId: string } & (
  { connectionId: string; profile: Profile; claimNames: string[] } | { reason: SsoFailureReason }
);

export async function checkSamlTest(body: SamlPost | null, binding: SsoBinding, request: RequestMeta): Promise<SamlTestAnswer> {
  const who = { testBy: binding.testBy!, orgId: binding.orgId };
  if (!body) return { ...who, reason: 'saml_too_large' };
  const answer = await verifySamlResponse(body, binding, request);
  if (!('connection' in answer)) return { ...who, reason: answer.ok ? 'saml_rejected' : answer.reason };
  const profile = { ...answer.profile, groups: answer.profile.groups.slice(0, 50) };
  return { ...who, connectionId: answer.connection.id, profile, claimNames: Object.keys(answer.claims).sort().slice(0, 50) };
}

/** The SAML half, back in the admin's signed-in browser: the same report as OIDC's. */
export async function finishSamlTest(
  answer: SamlTestAnswer | null,
  session: TestSession | null,
  request: RequestMeta,
): Promise<SsoTestResult> {
  if (!answer || !isTester(answer, session)) return { ok: false, reason: 'state_mismatch' };
  if ('reason' in answer) return { ok: false, reason: answer.reason };
  const [connection] = await getDb()
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.id, answer.connectionId), eq(ssoConnections.organizationId, answer.orgId)));
  if (!connection) return { ok: false, reason: 'no_connection' };
  return report({ connection, profile: answer.profile, claimNames: answer.claimNames, accessTokenClaimNames: [] }, session!, request);
}

/** The sealed SAML answer travels from the ACS POST to /api/sso/saml/test like the binding (SameSite=None). */
export const SAML_TEST_COOKIE = 'gatehouse-saml-test';
export const samlTestCookie = { ...samlBindingCookie, maxAge: 5 * 60 } as const;
const SAML_SALT = 'gatehouse-saml-test-answer';

export function sealSamlTestAnswer(answer: SamlTestAnswer): Promise<string> {
  return seal({ answer }, SAML_SALT, samlTestCookie.maxAge);
}

export async function openSamlTestAnswer(cookie: string | undefined): Promise<SamlTestAnswer | null> {
  return ((await unseal(cookie, SAML_SALT))?.answer as SamlTestAnswer | undefined) ?? null;
}

// The report travels to the settings page in a sealed, short-lived cookie of the admin's browser.
export const SSO_TEST_COOKIE = 'gatehouse-sso-test';
export const ssoTestCookie = { httpOnly: true, sameSite: 'lax', path: '/settings/sso', maxAge: 5 * 60 } as const;
const SALT = 'gatehouse-sso-test-report';

export function sealTestResult(result: SsoTestResult): Promise<string> {
  return seal({ result }, SALT, ssoTestCookie.maxAge);
}

export async function openTestResult(cookie: string | undefined): Promise<SsoTestResult | null> {
  return ((await unseal(cookie, SALT))?.result as SsoTestResult | undefined) ?? null;
}
