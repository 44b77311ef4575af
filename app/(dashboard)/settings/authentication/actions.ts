'use server';

import { revalidatePath } from 'next/cache';
import { googleSettingsInput, saveGoogleSettings } from '@/lib/auth/google';
import { breakGlassInput, setBreakGlassAdmin, setSsoEnforcement, ssoEnforcementInput } from '@/lib/auth/sso-enforcement';
import { setTwoFactorRequirement, twoFactorRequirementInput } from '@/lib/auth/two-factor';
import { defineAction } from '@/lib/server/action';

export const setTwoFactorRequirementAction = defineAction(twoFactorRequirementInput, async (ctx, input) => {
  await setTwoFactorRequirement(ctx, input);
  revalidatePath('/settings/authentication');
});

export const setSsoEnforcementAction = defineAction(ssoEnforcementInput, async (ctx, input) => {
  await setSsoEnforcement(ctx, input);
  revalidatePath('/settings/authentication');
});

export const setBreakGlassAdminAction = defineAction(breakGlassInput, async (ctx, input) => {
  await setBreakGlassAdmin(ctx, input);
  revalidatePath('/settings/authentication');
});

export const saveGoogleSettingsAction = defineAction(googleSettingsInput, async (ctx, input) => {
  await saveGoogleSettings(ctx, input);
  revalidatePath('/settings/authentication');
});
