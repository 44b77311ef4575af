// "Enforce SSO": while it is on, password sign-in is refused for the organization except for
// designated break-glass admins, each of whom must have a confirmed TOTP authenticator (checked
// when designated and again at every sign-in, so a 2FA reset takes the way in away). Enforcing is
// refused unless someone in the organization completed an SSO sign-in in the last 24 hours, so
// admins cannot lock everyone out with a connection that does not work.
import { and, desc, eq, gte, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { organizations, sessions, signInChallenges, twoFactorCredentials, users, type OrganizationSettings } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { checkbox } from '@/lib/forms';
import { activeAdminIds } from '@/lib/groups/writes';
import { type MutationCtx, orgOf } from '@/lib/server/mutation';
import { findSsoConnection } from '@/lib/sso/connections';

export const SSO_PROOF_WINDOW_MS = 24 * 60 * 60_000;
export const SSO_ENFORCED_MESSAGE =
  'This organization signs in with SSO. Use “Sign in with SSO”; break-glass admins check their email and password.';

export const ssoEnforcementInput = z.object({ enforced: checkbox });
export const breakGlassInput = z.object({ userId: z.uuid('Unknown user.'), designated: checkbox });

export function enforcesSso(settings: OrganizationSettings): boolean {
  return settings.enforceSso === true;
}

function breakGlassIds(settings: OrganizationSettings): string[] {
  return settings.breakGlassUserIds ?? [];
}

async function hasConfirmedTwoFactor(orgId: string, userId: string, db: DbOrTx): Promise<boolean> {
  const [row] = await db
    .select({ confirmedAt: twoFactorCredentials.confirmedAt })
    .from(twoFactorCredentials)
    .where(and(eq(twoFactorCredentials.organizationId, orgId), eq(twoFactorCredentials.userId, userId)));
  return Boolean(row?.confirmedAt);
}

/**
 * Why a user with the right password may not sign in with it, or null when they may: the
 * organization does not enforce SSO, or they are a break-glass admin who is still an admin and
 * still has two-factor.
 */
export async function passwordRefusal(
  orgId: string,
  settings: OrganizationSettings,
  userId: string,
  db: DbOrTx,
): Promise<'sso_enforced' | 'break_glass_without_two_factor' | 'break_glass_not_admin' | null> {
  if (!enforcesSso(settings)) return null;
  if (!breakGlassIds(settings).includes(userId)) return 'sso_enforced';
  if (!(await activeAdminIds(orgId, db)).includes(userId)) return 'break_glass_not_admin';
  if (!(await hasConfirmedTwoFactor(orgId, userId, db))) return 'break_glass_without_two_factor';
  return null;
}

/** When someone in the organization last completed an SSO sign-in, if ever. */
export async function lastSsoSignInAt(orgId: string, db: DbOrTx = getDb()): Promise<Date | null> {
  const [row] = await db
    .select({ at: sessions.createdAt })
    .from(sessions)
    .where(and(eq(sessions.organizationId, orgId), eq(sessions.authMethod, 'sso')))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return row?.at ?? null;
}

async function lockedOrg(ctx: MutationCtx) {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, orgId)).for('update');
  if (!org) throw new AppError('not_found', 'No such organization.');
  return org;
}

/** Admins turn enforcement on (only after a recent successful SSO sign-in) or off; SSO_ENFORCED. */
export async function setSsoEnforcement(ctx: MutationCtx, input: z.infer<typeof ssoEnforcementInput>, now = new Date()): Promise<void> {
  const org = await lockedOrg(ctx);
  const before = enforcesSso(org.settings);
  if (before === input.enforced) throw new AppError('conflict', 'Nothing changed.');
  if (input.enforced) {
    if (!(await findSsoConnection(org.id, ctx.tx))) throw new AppError('invalid_input', 'Set up an SSO connection before enforcing SSO.');
    const [recent] = await ctx.tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(
        and(
          eq(sessions.organizationId, org.id),
          eq(sessions.authMethod, 'sso'),
          gte(sessions.createdAt, new Date(now.getTime() - SSO_PROOF_WINDOW_MS)),
        ),
      )
      .limit(1);
    if (!recent) {
      throw new AppError(
        'invalid_input',
        'No one has signed in with SSO in the last 24 hours. Sign in with SSO once (for example in a private window) so we know it works, then enforce it.',
      );
    }
  }
  await ctx.tx
    .update(organizations)
    .set({ settings: { ...org.settings, enforceSso: input.enforced }, updatedAt: now })
    .where(eq(organizations.id, org.id));
  // Password sign-ins waiting for their code started under the old rule: they start over.
  if (input.enforced) {
    await ctx.tx
      .update(signInChallenges)
      .set({ consumedAt: now })
      .where(
        and(eq(signInChallenges.organizationId, org.id), eq(signInChallenges.method, 'password'), isNull(signInChallenges.consumedAt)),
      );
  }
  await record(ctx, { actionType: 'SSO_ENFORCED', metadata: { before, after: input.enforced } });
}

/** Admins designate (admins with two-factor only) or remove a break-glass admin; BREAK_GLASS_ADMIN_UPDATED. */
export async function setBreakGlassAdmin(ctx: MutationCtx, input: z.infer<typeof breakGlassInput>): Promise<void> {
  const org = await lockedOrg(ctx);
  const [user] = await ctx.tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.id, input.userId), eq(users.organizationId, org.id)));
  if (!user) throw new AppError('not_found', 'No such user.');
  const current = breakGlassIds(org.settings);
  if (current.includes(user.id) === input.designated)
    throw new AppError('conflict', input.designated ? 'Already a break-glass admin.' : 'Not a break-glass admin.');
  if (input.designated) {
    if (!(await activeAdminIds(org.id, ctx.tx)).includes(user.id))
      throw new AppError('invalid_input', 'Only active admins can be break-glass admins.');
    if (!(await hasConfirmedTwoFactor(org.id, user.id, ctx.tx))) {
      throw new AppError(
        'invalid_input',
        'A break-glass admin must have two-factor authentication. They can set it up on their account page.',
      );
    }
  }
  const next = input.designated ? [...current, user.id] : current.filter((id) => id !== user.id);
  await ctx.tx
    .update(organizations)
    .set({ settings: { ...org.settings, breakGlassUserIds: next }, updatedAt: new Date() })
    .where(eq(organizations.id, org.id));
  await record(ctx, {
    actionType: 'BREAK_GLASS_ADMIN_UPDATED',
    metadata: { targetUserId: user.id, email: user.email, designated: input.designated },
  });
}

export type BreakGlassCandidate = { userId: string; email: string; twoFactor: boolean; designated: boolean };

/** The organization's active admins, for the settings page: who has two-factor, who is designated. */
export async function listBreakGlassCandidates(
  orgId: string,
  settings: OrganizationSettings,
  db: DbOrTx = getDb(),
): Promise<BreakGlassCandidate[]> {
  const admins = new Set(await activeAdminIds(orgId, db));
  const designated = breakGlassIds(settings);
  const rows = await db
    .select({ id: users.id, email: users.email, confirmedAt: twoFactorCredentials.confirmedAt })
    .from(users)
    .leftJoin(twoFactorCredentials, and(eq(twoFactorCredentials.userId, users.id), eq(twoFactorCredentials.organizationId, orgId)))
    .where(eq(users.organizationId, orgId))
    .orderBy(users.email);
  return rows
    .filter((r) => admins.has(r.id) || designated.includes(r.id))
    .map((r) => ({ userId: r.id, email: r.email, twoFactor: Boolean(r.confirmedAt), designated: designated.includes(r.id) }));
}
