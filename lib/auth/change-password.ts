// A signed-in user changes their own password: the current one proves it is them, the new one
// follows the password policy, and every other session of theirs ends (endOtherSessions).
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { orgOf, type MutationCtx } from '@/lib/server/mutation';
import { endOtherSessions } from '@/lib/sessions/writes';
import { newPasswordInput } from '@/lib/users/inputs';
import { hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './password';

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(PASSWORD_MAX_LENGTH, 'That password is not right.'),
  newPassword: newPasswordInput,
});

/** Changes the acting user's password (UPDATE_PASSWORD); this session stays, every other one ends. */
export async function changeOwnPassword(
  ctx: MutationCtx,
  input: z.infer<typeof changePasswordInput>,
): Promise<{ sessionsRevoked: number }> {
  const orgId = orgOf(ctx);
  if (ctx.actor.kind !== 'user' || !ctx.actor.sessionId) throw new AppError('unauthenticated', 'Sign in first.');
  const [user] = await ctx.tx
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, ctx.actor.userId), eq(users.organizationId, orgId)))
    .for('update');
  if (!user) throw new AppError('unauthenticated', 'Sign in first.');
  if (!user.passwordHash) throw new AppError('conflict', 'You sign in with single sign-on or Google, so you have no password to change.');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw AppError.field('currentPassword', 'That password is not right.');
  if (input.newPassword === input.currentPassword) {
    throw AppError.field('newPassword', 'Choose a password different from your current one.');
  }
  await ctx.tx
    .update(users)
    .set({ passwordHash: await hashPassword(input.newPassword), updatedAt: new Date() })
    .where(eq(users.id, user.id));
  const sessionsRevoked = await endOtherSessions(ctx, user.id, 'password_changed');
  await record(ctx, { actionType: 'UPDATE_PASSWORD', metadata: { sessionsRevoked } });
  return { sessionsRevoked };
}
