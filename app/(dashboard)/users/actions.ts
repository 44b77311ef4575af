'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getSession } from '@/lib/auth/session';
import { resetTwoFactor, resetTwoFactorInput } from '@/lib/auth/two-factor';
import { mailConfigured } from '@/lib/mail';
import { defineAction, type ActionResult } from '@/lib/server/action';
import { requestOrigin } from '@/lib/server/request';
import { revokeAllUserSessions, revokeUserSession } from '@/lib/sessions/writes';
import { inviteUserFormInput, userIdInput } from '@/lib/users/inputs';
import { inviteUser, mailInvite, revokeInvite } from '@/lib/users/invites';
import { disableUser, enableUser } from '@/lib/users/writes';

type InviteResult = { email: string; link: string; emailed: boolean; emailError: string | null };

const createInvite = defineAction(inviteUserFormInput, async (ctx, input) => {
  const invite = await inviteUser(ctx, input);
  revalidatePath('/users');
  return invite;
});

/** Creates the invitation, then (after it committed) mails it when SMTP is configured. */
export async function inviteUserAction(prev: ActionResult<InviteResult> | null, form: FormData): Promise<ActionResult<InviteResult>> {
  const result = await createInvite(null, form);
  if (!result.ok) return result;
  const origin = await requestOrigin();
  const invite = result.data;
  let emailError: string | null = null;
  if (mailConfigured()) {
    const session = await getSession();
    await mailInvite(invite, session?.org.name ?? 'your organization', origin).catch((e: unknown) => {
      console.error('[gatehouse] invitation email failed:', e);
      emailError = 'The email could not be sent; copy the link instead.';
    });
  }
  return { ok: true, data: { email: invite.email, link: `${origin}${invite.path}`, emailed: invite.emailed && !emailError, emailError } };
}

export const revokeInviteAction = defineAction(z.object({ inviteId: z.uuid() }), async (ctx, input) => {
  await revokeInvite(ctx, input);
  revalidatePath('/users');
});

export const disableUserAction = defineAction(userIdInput, async (ctx, input) => {
  const result = await disableUser(ctx, input);
  revalidatePath('/users');
  return result;
});

export const enableUserAction = defineAction(userIdInput, async (ctx, input) => {
  await enableUser(ctx, input);
  revalidatePath('/users');
});

export const revokeUserSessionAction = defineAction(z.object({ userId: z.uuid(), sessionId: z.uuid() }), async (ctx, input) => {
  await revokeUserSession(ctx, input);
  revalidatePath(`/users/${input.userId}`);
});

export const revokeAllUserSessionsAction = defineAction(userIdInput, async (ctx, input) => {
  const result = await revokeAllUserSessions(ctx, input);
  revalidatePath(`/users/${input.userId}`);
  return result;
});

export const resetTwoFactorAction = defineAction(resetTwoFactorInput, async (ctx, input) => {
  const result = await resetTwoFactor(ctx, input);
  revalidatePath(`/users/${input.userId}`);
  return result;
});
