// "Test connection": an admin goes through the identity provider from the settings page and sees
// the claims received and what a real sign-in would do (which user, JIT, groups), without a
// session or any change but the SSO_CONNECTION_TESTED audit event. The flow is bound to the
// admin's browser (the sealed binding names them) and to their signed-in session and organization.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { decode, encode } from 'next-auth/jwt';
import { getDb } from '@/db';
import { permissionGroups, ssoGroupMappings, ssoIdentities, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authSecret } from '@/lib/auth/secret';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import type { SsoBinding } from './binding';
import { exchangeSsoResponse, startSsoSignIn, type SsoAnswer, type SsoFailureReason, type SsoStart } from './sign-in';

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

/** Starts a test for the admin's organization; null when it has no connection. */
export async function startSsoTest(orgSlug: string, adminUserId: string): Promise<SsoStart | null> {
  const start = await startSsoSignIn(orgSlug);
  // The report is made by the OIDC callback; a SAML response would arrive at the ACS, which signs in.
  if (start?.binding.samlRequestId) throw new AppError('invalid_input', 'Testing is available for OIDC connections. To test SAML, sign in with SSO from a private window.');
  return start ? { ...start, binding: { ...start.binding, testBy: adminUserId } } : null;
}

async function preview(answer: SsoAnswer): Promise<SsoTestReport> {
  const { connection, profile, claims, accessTokenClaims } = answer;
  const db = getDb();
  const orgId = connection.organizationId;
  const [identity] = await db
    .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
    .from(ssoIdentities)
    .innerJoin(users, eq(users.id, ssoIdentities.userId))
    .where(and(eq(ssoIdentities.organizationId, orgId), eq(ssoIdentities.connectionId, connection.id), eq(ssoIdentities.subject, profile.subject)));
  const [taken] =
    identity || !profile.email
      ? []
      : await db
          .select({ id: users.id, email: users.email })
          .from(users)
          .where(and(eq(users.organizationId, orgId), sql`lower(${users.email}) = ${profile.email.toLowerCase()}`));
  const outcome: SsoTestOutcome = identity ? (identity.disabledAt ? 'user_disabled' : 'existing_user') : taken ? 'email_taken' : connection.jitEnabled && profile.email ? 'jit_create' : 'unknown_user';
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
    claimNames: Object.keys(claims).sort().slice(0, 50),
    accessTokenClaimNames: Object.keys(accessTokenClaims).sort().slice(0, 50),
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
  if (!binding?.testBy || !session || binding.testBy !== session.userId || binding.orgId !== session.orgId) return { ok: false, reason: 'state_mismatch' };
  const answer = await exchangeSsoResponse(params, binding, request);
  if (!('connection' in answer)) return answer.ok ? { ok: false, reason: 'token_rejected' } : answer;
  const report = await preview(answer);
  await runMutation({ orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request }, async (ctx) => {
    await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
    await record(ctx, {
      actionType: 'SSO_CONNECTION_TESTED',
      metadata: { connectionId: answer.connection.id, subject: report.subject, email: report.email, outcome: report.outcome },
    });
  });
  return { ok: true, report };
}

// The report travels to the settings page in a sealed, short-lived cookie of the admin's browser.
export const SSO_TEST_COOKIE = 'gatehouse-sso-test';
export const ssoTestCookie = { httpOnly: true, sameSite: 'lax', path: '/settings/sso', maxAge: 5 * 60 } as const;
const SALT = 'gatehouse-sso-test-report';

export function sealTestResult(result: SsoTestResult): Promise<string> {
  return encode({ token: { result }, secret: authSecret(), maxAge: ssoTestCookie.maxAge, salt: SALT } as Parameters<typeof encode>[0]);
}

export async function openTestResult(cookie: string | undefined): Promise<SsoTestResult | null> {
  if (!cookie) return null;
  const decoded = (await decode({ token: cookie, secret: authSecret(), salt: SALT } as Parameters<typeof decode>[0]).catch(() => null)) as { result?: SsoTestResult } | null;
  return decoded?.result ?? null;
}
