// Invitations: a single-use link that expires. Only the token's SHA-256 is stored; the link is
// shown once to the admin (and mailed when SMTP_URL is set).
import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { groupMembers, invites, organizations, permissionGroups, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { randomToken, sha256Hex } from '@/lib/crypto/tokens';
import { AppError } from '@/lib/errors';
import { enforcesSso } from '@/lib/auth/sso-enforcement';
import { mailConfigured, sendMail } from '@/lib/mail';
import { orgLabelColumns } from '@/lib/orgs/reads';
import { actorUserId, type MutationCtx, orgOf } from '@/lib/server/mutation';
import type { InviteUserInput, RedeemInviteInput } from './inputs';
import { insertUser } from './writes';

export const INVITE_TTL_DAYS = 7;

export type CreatedInvite = { inviteId: string; email: string; token: string; path: string; expiresAt: Date; emailed: boolean };

export async function inviteUser(ctx: MutationCtx, input: InviteUserInput): Promise<CreatedInvite> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  await refuseWhenSsoEnforced(ctx, orgId);
  const [existing] = await ctx.tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.organizationId, orgId), sql`lower(${users.email}) = ${input.email.toLowerCase()}`));
  if (existing) throw AppError.field('email', 'A user with that email already exists in this organization.', 'conflict');
  if (input.groupIds.length) {
    const groups = await ctx.tx
      .select({ id: permissionGroups.id, builtin: permissionGroups.builtin })
      .from(permissionGroups)
      .where(and(eq(permissionGroups.organizationId, orgId), inArray(permissionGroups.id, input.groupIds)));
    if (groups.length !== new Set(input.groupIds).size || groups.some((g) => g.builtin === 'all_users')) {
      throw AppError.field('groupId', 'Choose a group of this organization.');
    }
  }
  // A new invitation replaces any open one for the same address.
  await ctx.tx
    .update(invites)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(invites.organizationId, orgId),
        sql`lower(${invites.email}) = ${input.email.toLowerCase()}`,
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
      ),
    );
  const token = randomToken();
  const expiresAt = new Date(Date.now() + INVITE_TTL_DAYS * 24 * 3600 * 1000);
  const [row] = await ctx.tx
    .insert(invites)
    .values({
      organizationId: orgId,
      email: input.email,
      tokenHash: sha256Hex(token),
      groupIds: input.groupIds,
      invitedBy: actorUserId(ctx.actor),
      expiresAt,
    })
    .returning({ id: invites.id });
  const emailed = mailConfigured();
  await record(ctx, {
    actionType: 'INVITE_USER',
    metadata: { inviteId: row!.id, email: input.email, groupIds: input.groupIds, expiresAt: expiresAt.toISOString(), emailed },
  });
  return { inviteId: row!.id, email: input.email, token, path: `/invite/${token}`, expiresAt, emailed };
}

/** Sends the invitation after its transaction committed. */
export async function mailInvite(invite: CreatedInvite, orgName: string, origin: string): Promise<void> {
  await sendMail({
    to: invite.email,
    subject: `You are invited to ${orgName} on Gatehouse`,
    text: `You have been invited to join ${orgName} on Gatehouse.\n\nAccept the invitation: ${origin}${invite.path}\n\nThe link works once and expires on ${invite.expiresAt.toUTCString()}.\n`,
  });
}

export async function revokeInvite(ctx: MutationCtx, input: { inviteId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const [row] = await ctx.tx
    .update(invites)
    .set({ revokedAt: new Date() })
    .where(and(eq(invites.id, input.inviteId), eq(invites.organizationId, orgId), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
    .returning({ id: invites.id, email: invites.email });
  if (!row) throw new AppError('not_found', 'No open invitation with that id.');
  await record(ctx, { actionType: 'REVOKE_INVITE', metadata: { inviteId: row.id, email: row.email } });
}

export type OpenInvite = { id: string; email: string; orgId: string; orgName: string; orgSlug: string; expiresAt: Date };

/** The invitation a link names, while it is unused, unrevoked and unexpired. */
export async function findOpenInvite(token: string, now = new Date(), db: DbOrTx = getDb()): Promise<OpenInvite | null> {
  if (token.length < 20 || token.length > 200) return null;
  const [row] = await db
    .select({
      id: invites.id,
      email: invites.email,
      orgId: invites.organizationId,
      ...orgLabelColumns,
      expiresAt: invites.expiresAt,
    })
    .from(invites)
    .innerJoin(organizations, eq(organizations.id, invites.organizationId))
    .where(and(eq(invites.tokenHash, sha256Hex(token)), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)));
  return row ?? null;
}

/** Invitations create password accounts, which an organization that enforces SSO does not have. */
export const SSO_ENFORCED_INVITE =
  'This organization signs in with SSO, so invitations (which set a password) are off. New people join by signing in with SSO; turn on just-in-time provisioning in Settings → Single sign-on.';

async function refuseWhenSsoEnforced(ctx: MutationCtx, orgId: string): Promise<void> {
  const [org] = await ctx.tx.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
  if (org && enforcesSso(org.settings)) throw new AppError('invalid_input', SSO_ENFORCED_INVITE);
}

const INVALID_LINK = 'This invitation link is invalid, used or expired. Ask your admin for a new one.';

/** Accepts an invitation: creates the user with their name and password, in the invited groups. */
export async function redeemInvite(
  ctx: MutationCtx,
  input: RedeemInviteInput,
): Promise<{ orgSlug: string; email: string; userId: string }> {
  const invite = await findOpenInvite(input.token, undefined, ctx.tx);
  if (!invite) throw new AppError('not_found', INVALID_LINK);
  await refuseWhenSsoEnforced(ctx, invite.orgId);
  // Claim it first: of two concurrent redemptions, one wins.
  const claimed = await ctx.tx
    .update(invites)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invites.id, invite.id), isNull(invites.acceptedAt)))
    .returning({ groupIds: invites.groupIds });
  if (claimed.length === 0) throw new AppError('not_found', INVALID_LINK);
  const user = await insertUser(
    invite.orgId,
    {
      email: invite.email,
      firstName: input.firstName,
      lastName: input.lastName,
      password: input.password,
    },
    ctx.tx,
  );
  const groups = await ctx.tx
    .select({ id: permissionGroups.id })
    .from(permissionGroups)
    .where(
      and(
        eq(permissionGroups.organizationId, invite.orgId),
        inArray(permissionGroups.id, claimed[0]!.groupIds.length ? claimed[0]!.groupIds : ['00000000-0000-0000-0000-000000000000']),
      ),
    );
  if (groups.length)
    await ctx.tx.insert(groupMembers).values(groups.map((g) => ({ organizationId: invite.orgId, groupId: g.id, userId: user.id })));
  await ctx.tx.update(invites).set({ acceptedUserId: user.id }).where(eq(invites.id, invite.id));
  ctx.actor = { kind: 'user', userId: user.id };
  await record(
    ctx,
    {
      actionType: 'REDEEM_INVITE',
      metadata: { inviteId: invite.id, email: invite.email, targetUserId: user.id, groupIds: groups.map((g) => g.id) },
    },
    { organizationId: invite.orgId },
  );
  return { orgSlug: invite.orgSlug, email: invite.email, userId: user.id };
}
