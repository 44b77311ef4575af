// Sign in with Google (0016). next-auth's Google provider runs the protocol (state, PKCE, the ID
// token's signature, issuer and audience); this module decides. The organization comes from a
// sealed cookie set by the organization's sign-in page in this browser, never from Google's
// answer. Email is trusted only when `email_verified`; an organization may allow only some
// Workspace domains (`hd`). Identities are (organization, Google subject); never linked by email.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import {
  googleIdentities,
  groupMembers,
  organizations,
  permissionGroups,
  users,
  type GoogleSignInSettings,
  type OrganizationSettings,
} from '@/db/schema';
import type { GOOGLE_FAILURE_REASONS } from '@/lib/audit/events';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { googleClient } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { checkbox, optionalId } from '@/lib/forms';
import { type MutationCtx, orgOf, runMutation } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { createSession } from '@/lib/sessions/writes';
import { randomToken } from '@/lib/crypto/tokens';
import { printable } from '@/lib/storable-text';
import { checkIdTokenClaims, ID_TOKEN_FAILURE_MESSAGES } from './id-token';
import { openIdentityLink } from './identity-link';
import { seal, unseal } from './sealed';
import { enforcesSso } from './sso-enforcement';

export type { GoogleSignInSettings };
export type GoogleFailureReason = (typeof GOOGLE_FAILURE_REASONS)[number];

export const GOOGLE_FAILURE_MESSAGES: Record<GoogleFailureReason, string> = {
  ...ID_TOKEN_FAILURE_MESSAGES,
  missing_state: 'This Google sign-in was not started from your organization’s sign-in page in this browser, or it expired. Start again.',
  not_enabled: 'This organization does not offer sign-in with Google.',
  sso_enforced: 'This organization signs in with SSO. Use “Sign in with SSO”.',
  email_not_verified: 'Google has not verified your email address, so it cannot be used to sign in.',
  domain_not_allowed: 'This organization accepts Google accounts of its own domains only. Use your work account.',
  unknown_user: 'You do not have an account in this organization yet. Ask your admin to invite you.',
  email_taken:
    'An account with your email address already exists in this organization and is not linked to Google, and it has no password to prove it is yours. Sign in the way you usually do, or ask your admin.',
  user_disabled: 'Your account is disabled. Ask your admin.',
};

// --- the browser binding: which organization this browser started a Google sign-in for, and the
// nonce that sign-in sends to Google (a fresh one per start; the callback deletes the cookie) ---

export const GOOGLE_BINDING_COOKIE = 'gatehouse-google';
const BINDING_MAX_AGE = 10 * 60;
/** Lax, so it comes back on Google's top-level redirect to next-auth's callback. */
export const googleBindingCookie = { httpOnly: true, sameSite: 'lax', path: '/api/auth', maxAge: BINDING_MAX_AGE } as const;
const SALT = 'gatehouse-google-binding';
const binding = z.object({ orgId: z.uuid(), nonce: z.string().min(32) });
export type GoogleBinding = z.infer<typeof binding>;

export function sealGoogleBinding(orgId: string): Promise<string> {
  return seal({ orgId, nonce: randomToken() }, SALT, BINDING_MAX_AGE);
}

export async function openGoogleBinding(cookie: string | undefined): Promise<GoogleBinding | null> {
  const parsed = binding.safeParse(await unseal(cookie, SALT));
  return parsed.success ? parsed.data : null;
}

// --- organization settings ---

const DEFAULTS: GoogleSignInSettings = { enabled: false, allowedDomains: [], jitEnabled: false, defaultGroupId: null };

export function googleSettings(settings: OrganizationSettings): GoogleSignInSettings {
  return { ...DEFAULTS, ...settings.google };
}

/** Whether the organization's sign-in page offers "Sign in with Google". */
export function offersGoogle(settings: OrganizationSettings): boolean {
  return googleClient() !== null && googleSettings(settings).enabled && !enforcesSso(settings);
}

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'Enter domains like example.com, one per line.');

export const googleSettingsInput = z.object({
  enabled: checkbox,
  allowedDomains: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : (v ?? [])),
    z.array(domain).max(50, 'At most 50 domains.'),
  ),
  jitEnabled: checkbox,
  defaultGroupId: optionalId,
});

/** Admins set Google sign-in for the organization; GOOGLE_SIGN_IN_UPDATED with before and after. */
export async function saveGoogleSettings(ctx: MutationCtx, input: z.infer<typeof googleSettingsInput>): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  if (input.enabled && !googleClient())
    throw new AppError('invalid_input', 'This Gatehouse has no Google client: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET first.');
  if (input.defaultGroupId) {
    const [g] = await ctx.tx
      .select({ builtin: permissionGroups.builtin })
      .from(permissionGroups)
      .where(and(eq(permissionGroups.id, input.defaultGroupId), eq(permissionGroups.organizationId, orgId)));
    if (!g) throw AppError.field('defaultGroupId', 'No such group.', 'not_found');
    if (g.builtin === 'admin') throw AppError.field('defaultGroupId', 'New users cannot become admins by default. Choose another group.');
  }
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, orgId)).for('update');
  const before = googleSettings(org!.settings);
  const after: GoogleSignInSettings = {
    enabled: input.enabled,
    allowedDomains: [...new Set(input.allowedDomains)],
    jitEnabled: input.jitEnabled,
    defaultGroupId: input.defaultGroupId,
  };
  await ctx.tx
    .update(organizations)
    .set({ settings: { ...org!.settings, google: after }, updatedAt: new Date() })
    .where(eq(organizations.id, orgId));
  await record(ctx, { actionType: 'GOOGLE_SIGN_IN_UPDATED', metadata: { before, after } });
}

export async function getGoogleSettings(orgId: string, db: DbOrTx = getDb()): Promise<GoogleSignInSettings> {
  const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
  return googleSettings(org?.settings ?? {});
}

// --- the sign-in decision ---

/** The claims of Google's verified ID token that matter here. */
export type GoogleClaims = {
  sub: string;
  nonce?: unknown;
  iat?: unknown;
  exp?: unknown;
  nbf?: unknown;
  email?: unknown;
  email_verified?: unknown;
  hd?: unknown;
  given_name?: unknown;
  family_name?: unknown;
  name?: unknown;
};
/** `linkToken`: the email belongs to an account that may prove itself to link this identity (identity-link.ts). */
export type GoogleResult =
  { ok: true; sessionId: string; orgSlug: string } | { ok: false; reason: GoogleFailureReason; orgSlug: string | null; linkToken?: string };

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/**
 * Finishes a Google sign-in for the organization this browser started it for (`binding`), with
 * the claims of an ID token whose signature, issuer and audience were verified (options.ts); its
 * nonce and times are checked here. Never throws for a refused sign-in.
 */
export async function completeGoogleSignIn(
  claims: GoogleClaims,
  bindingValue: GoogleBinding | null,
  request: RequestMeta,
  clock = Date.now(),
): Promise<GoogleResult> {
  if (!bindingValue) return { ok: false, reason: 'missing_state', orgSlug: null };
  const orgId = bindingValue.orgId;
  return runMutation({ orgId, actor: { kind: 'anonymous' }, request }, async (ctx): Promise<GoogleResult> => {
    const { tx } = ctx;
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw new AppError('not_found', 'No such organization.');
    const subject = str(claims.sub);
    const email = str(claims.email);
    const hd = str(claims.hd).toLowerCase();
    const who = { ...(subject ? { subject } : {}), ...(email ? { email } : {}), ...(hd ? { hd } : {}) };
    const refuse = async (reason: GoogleFailureReason, userId: string | null = null): Promise<GoogleResult> => {
      await record(ctx, { actionType: 'LOGIN_FAILED', metadata: { method: 'google', reason, ...who } }, { userId });
      return { ok: false, reason, orgSlug: org.slug };
    };
    const tokenProblem = checkIdTokenClaims(claims, { nonce: bindingValue.nonce }, clock);
    if (tokenProblem) return refuse(tokenProblem);
    const settings = googleSettings(org.settings);
    if (!settings.enabled || !subject) return refuse('not_enabled');
    if (enforcesSso(org.settings)) return refuse('sso_enforced');
    if (claims.email_verified !== true || !email.includes('@')) return refuse('email_not_verified');
    if (settings.allowedDomains.length && !settings.allowedDomains.includes(hd)) return refuse('domain_not_allowed');

    // One sign-in at a time per identity: a first sign-in cannot provision the user twice.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`google:${orgId}:${subject}`}, 0))`);
    const [identity] = await tx
      .select({ userId: googleIdentities.userId, disabledAt: users.disabledAt })
      .from(googleIdentities)
      .innerJoin(users, eq(users.id, googleIdentities.userId))
      .where(and(eq(googleIdentities.organizationId, orgId), eq(googleIdentities.subject, subject)));
    let userId: string;
    if (identity) {
      if (identity.disabledAt) return refuse('user_disabled', identity.userId);
      userId = identity.userId;
    } else {
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.organizationId, orgId), sql`lower(${users.email}) = ${email.toLowerCase()}`));
      // No silent linking by email (the same rule as SSO): the existing account must prove itself.
      if (taken) {
        const linkToken = await openIdentityLink(ctx, { orgId, userId: taken.id, provider: 'google', connectionId: null, subject, email });
        const refused = await refuse('email_taken', taken.id);
        return linkToken ? { ok: false, reason: 'email_taken', orgSlug: org.slug, linkToken } : refused;
      }
      if (!settings.jitEnabled) return refuse('unknown_user');
      const name = str(claims.name).split(/\s+/);
      const [user] = await tx
        .insert(users)
        .values({
          organizationId: orgId,
          email,
          // As for SSO (checkProfile): text Postgres cannot store becomes U+FFFD in names.
          firstName: printable(str(claims.given_name) || name[0] || '').slice(0, 100),
          lastName: printable(str(claims.family_name) || name.slice(1).join(' ')).slice(0, 100),
          passwordHash: null,
        })
        .returning({ id: users.id });
      userId = user!.id;
      await tx.insert(googleIdentities).values({ organizationId: orgId, subject, userId });
      const [group] = settings.defaultGroupId
        ? await tx
            .select({ id: permissionGroups.id })
            .from(permissionGroups)
            .where(and(eq(permissionGroups.id, settings.defaultGroupId), eq(permissionGroups.organizationId, orgId)))
        : [];
      const groupIds = group ? [group.id] : [];
      if (groupIds.length) await tx.insert(groupMembers).values(groupIds.map((groupId) => ({ organizationId: orgId, groupId, userId })));
      await record(
        ctx,
        { actionType: 'GOOGLE_JIT_USER_CREATED', metadata: { targetUserId: userId, email, subject, groupIds } },
        { userId },
      );
    }

    const now = new Date();
    await tx
      .update(googleIdentities)
      .set({ lastLoginAt: now })
      .where(and(eq(googleIdentities.organizationId, orgId), eq(googleIdentities.subject, subject)));
    const sessionId = await createSession(ctx, { orgId, userId, authMethod: 'google' });
    await tx.update(users).set({ lastLoginAt: now, lastActiveAt: now }).where(eq(users.id, userId));
    ctx.actor = { kind: 'user', userId, sessionId };
    await record(ctx, { actionType: 'LOGIN', metadata: { method: 'google', sessionId } });
    return { ok: true, sessionId, orgSlug: org.slug };
  });
}
