'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { changeOwnPassword, changePasswordInput } from '@/lib/auth/change-password';
import { signOutEverywhereFromHere } from '@/lib/auth/sign-out';
import {
  confirmEnrollmentInput,
  confirmTwoFactorEnrollment,
  disableOwnTwoFactor,
  disableTwoFactorInput,
  regenerateRecoveryCodes,
  regenerateRecoveryCodesInput,
  startTwoFactorEnrollment,
} from '@/lib/auth/two-factor';
import { defineAction, toFailure, type ActionResult } from '@/lib/server/action';
import { revokeOwnSession } from '@/lib/sessions/writes';
import { setWorkspace } from '@/lib/users/workspace';

const revokeSessionInput = z.object({ sessionId: z.uuid('Unknown session.') });

export const revokeSessionAction = defineAction(revokeSessionInput, async (ctx, input) => {
  await revokeOwnSession(ctx, input);
  revalidatePath('/account');
});

/** Ends every session of the user, this one included, then leaves for the sign-in page. */
export async function signOutEverywhereAction(): Promise<ActionResult> {
  let orgSlug: string;
  try {
    ({ orgSlug } = await signOutEverywhereFromHere());
  } catch (e) {
    return toFailure(e);
  }
  redirect(`/sign-in/${orgSlug}`);
}

export const changePasswordAction = defineAction(changePasswordInput, async (ctx, input) => {
  const result = await changeOwnPassword(ctx, input);
  revalidatePath('/account');
  return result;
});

export const setWorkspaceAction = defineAction(z.object({ groupId: z.uuid('Choose a workspace.') }), async (ctx, input) => {
  await setWorkspace(ctx, input);
  revalidatePath('/', 'layout');
});

export const startTwoFactorEnrollmentAction = defineAction(z.object({}), async (ctx) => {
  await startTwoFactorEnrollment(ctx);
  revalidatePath('/account');
});

// No revalidation: the recovery codes stay on screen until the user has saved them.
export const confirmTwoFactorEnrollmentAction = defineAction(confirmEnrollmentInput, (ctx, input) =>
  confirmTwoFactorEnrollment(ctx, input),
);

export const regenerateRecoveryCodesAction = defineAction(regenerateRecoveryCodesInput, (ctx, input) =>
  regenerateRecoveryCodes(ctx, input),
);

export const disableTwoFactorAction = defineAction(disableTwoFactorInput, async (ctx, input) => {
  await disableOwnTwoFactor(ctx, input);
  revalidatePath('/account');
});
