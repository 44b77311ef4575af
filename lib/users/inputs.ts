import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@/lib/auth/password';

export const emailInput = z
  .string()
  .trim()
  .max(254, 'Email addresses are at most 254 characters.')
  .pipe(z.email('Enter a valid email address, like name@example.com.'));

export const newPasswordInput = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

const namePart = (label: string) => z.string().trim().min(1, `Enter a ${label}.`).max(100, `${label} is too long.`);

export const createUserInput = z.object({
  email: emailInput,
  password: newPasswordInput,
  firstName: namePart('first name'),
  lastName: z.string().trim().max(100, 'Last name is too long.').default(''),
  admin: z.boolean().default(false),
});
export type CreateUserInput = z.infer<typeof createUserInput>;
export { namePart };

export const userIdInput = z.object({ userId: z.uuid('Unknown user.') });

export const inviteUserInput = z.object({
  email: emailInput,
  groupIds: z.array(z.uuid('Unknown group.')).max(50).default([]),
});
export type InviteUserInput = z.infer<typeof inviteUserInput>;
/** The form shape: an optional single group from a select. */
export const inviteUserFormInput = z
  .object({ email: emailInput, groupId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid('Unknown group.').optional()) })
  .transform(({ email, groupId }) => ({ email, groupIds: groupId ? [groupId] : [] }));

export const redeemInviteInput = z.object({
  token: z.string().min(20).max(200),
  firstName: namePart('first name'),
  lastName: z.string().trim().max(100, 'Last name is too long.').default(''),
  password: newPasswordInput,
});
export type RedeemInviteInput = z.infer<typeof redeemInviteInput>;
