'use server';

import { revalidatePath } from 'next/cache';
import { setTwoFactorRequirement, twoFactorRequirementInput } from '@/lib/auth/two-factor';
import { defineAction } from '@/lib/server/action';

export const setTwoFactorRequirementAction = defineAction(twoFactorRequirementInput, async (ctx, input) => {
  await setTwoFactorRequirement(ctx, input);
  revalidatePath('/settings/authentication');
});
