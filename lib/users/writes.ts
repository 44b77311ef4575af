import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db';
import { groupMembers, permissionGroups, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { activeAdminIds } from '@/lib/groups/writes';
import { revokeUserSessions } from '@/lib/sessions/writes';
import { revokeUserApiTokens } from '@/lib/api-tokens/writes';
import { hashPassword } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';
import { actorUserId, isUniqueViolation, type MutationCtx } from '@/lib/server/mutation';
import type { CreateUserInput } from './inputs';

const PROVISIONED = 'This user is provisioned by SCIM: change their profile in your identity provider.';
const EMAIL_TAKEN = 'A user with that email already exists in this organization.';

/** Inserts a user; a duplicate email (any letter case) in the organization is a field error. */
export async function insertUser(
  tx: Tx,
  orgId: string,
  values: { email: string; firstName: string; lastName: string; password: string },
): Promise<{ id: string }> {
  const passwordHash = await hashPassword(values.password);
  try {
    const [user] = await tx
      .insert(users)
      .values({ organizationId: orgId, email: values.email, firstName: values.firstName, lastName: values.lastName, passwordHash })
      .returning({ id: users.id });
    return user!;
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('email', EMAIL_TAKEN, 'conflict');
    throw e;
  }
}

export async function addToBuiltinGroup(tx: Tx, orgId: string, userId: string, builtin: 'admin'): Promise<string> {
  const [group] = await tx
    .select({ id: permissionGroups.id, name: permissionGroups.name })
    .from(permissionGroups)
    .where(and(eq(permissionGroups.organizationId, orgId), eq(permissionGroups.builtin, builtin)));
  if (!group) throw new Error(`Organization ${orgId} has no ${builtin} group.`);
  await tx.insert(groupMembers).values({ organizationId: orgId, groupId: group.id, userId });
  return group.name;
}

/** Creates a password user in the acting organization, optionally as an admin. */
export async function createUser(ctx: MutationCtx, input: CreateUserInput): Promise<{ id: string; email: string }> {
  const orgId = ctx.orgId;
  if (!orgId) throw new AppError('invalid_input', 'No organization given.');
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await insertUser(ctx.tx, orgId, input);
  const groups = input.admin ? [await addToBuiltinGroup(ctx.tx, orgId, user.id, 'admin')] : [];
  await record(ctx, {
    actionType: 'CREATE_USER',
    metadata: { targetUserId: user.id, email: input.email, groups },
  });
  return { id: user.id, email: input.email };
}

async function findUser(ctx: MutationCtx, orgId: string, userId: string) {
  const [user] = await ctx.tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organizationId, orgId)));
  if (!user) throw new AppError('not_found', 'No such user.');
  return user;
}

/**
 * Disables a user: they cannot sign in, and every session and API token dies in this same
 * transaction, so their very next request is refused. Admins only; never yourself or the last
 * active admin.
 */
export async function disableUser(ctx: MutationCtx, input: { userId: string }): Promise<Deactivated> {
  const orgId = ctx.orgId;
  if (!orgId) throw new AppError('unauthenticated', 'Sign in first.');
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await findUser(ctx, orgId, input.userId);
  if (actorUserId(ctx.actor) === user.id) throw new AppError('invalid_input', 'You cannot disable yourself.');
  if (user.disabledAt) throw new AppError('conflict', 'This user is already disabled.');
  return deactivateUser(ctx, user);
}

type Deactivated = { sessionsRevoked: number; tokensRevoked: number };

/**
 * The one way a user is switched off (the admin page, the API, SCIM): disabled, sessions and API
 * tokens revoked, audited. The caller has authorized; the last active admin is always kept.
 */
export async function deactivateUser(
  ctx: MutationCtx,
  user: { id: string; organizationId: string; email: string },
  changes: Partial<typeof users.$inferInsert> = {},
): Promise<Deactivated> {
  const orgId = user.organizationId;
  const admins = await activeAdminIds(ctx.tx, orgId);
  if (admins.length === 1 && admins[0] === user.id) {
    throw new AppError('invalid_input', 'This is the last active admin. Make someone else an admin first.');
  }
  await ctx.tx
    .update(users)
    .set({ ...changes, disabledAt: new Date(), updatedAt: new Date() })
    .where(eq(users.id, user.id));
  const sessionsRevoked = await revokeUserSessions(ctx.tx, orgId, user.id, 'user_disabled');
  const tokensRevoked = await revokeUserApiTokens(ctx.tx, orgId, user.id);
  await record(ctx, { actionType: 'DISABLE_USER', metadata: { targetUserId: user.id, email: user.email, sessionsRevoked, tokensRevoked } });
  return { sessionsRevoked, tokensRevoked };
}

export async function enableUser(ctx: MutationCtx, input: { userId: string }): Promise<void> {
  const orgId = ctx.orgId;
  if (!orgId) throw new AppError('unauthenticated', 'Sign in first.');
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await findUser(ctx, orgId, input.userId);
  if (!user.disabledAt) throw new AppError('conflict', 'This user is already active.');
  await ctx.tx.update(users).set({ disabledAt: null, updatedAt: new Date() }).where(eq(users.id, user.id));
  await record(ctx, { actionType: 'ENABLE_USER', metadata: { targetUserId: user.id, email: user.email } });
}

export const updateUserInput = z.object({
  userId: z.uuid('Unknown user.'),
  firstName: z.string().trim().min(1, 'Enter a first name.').max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
});

/** Changes a user's name (admins). */
export async function updateUserProfile(ctx: MutationCtx, input: z.infer<typeof updateUserInput>): Promise<void> {
  const orgId = ctx.orgId;
  if (!orgId) throw new AppError('unauthenticated', 'Sign in first.');
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await findUser(ctx, orgId, input.userId);
  if (user.scimDirectoryId) throw new AppError('invalid_input', PROVISIONED);
  const before = { firstName: user.firstName, lastName: user.lastName };
  const after = { firstName: input.firstName ?? user.firstName, lastName: input.lastName ?? user.lastName };
  await ctx.tx
    .update(users)
    .set({ ...after, updatedAt: new Date() })
    .where(eq(users.id, user.id));
  await record(ctx, { actionType: 'UPDATE_USER', metadata: { targetUserId: user.id, before, after } });
}
