import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db';
import { groupMembers, permissionGroups, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { hashPassword } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';
import { isUniqueViolation, type MutationCtx } from '@/lib/server/mutation';
import type { CreateUserInput } from './inputs';

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
  const user = await insertUser(ctx.tx, orgId, input);
  const groups = input.admin ? [await addToBuiltinGroup(ctx.tx, orgId, user.id, 'admin')] : [];
  await record(ctx, {
    actionType: 'CREATE_USER',
    metadata: { targetUserId: user.id, email: input.email, groups },
  });
  return { id: user.id, email: input.email };
}
