'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/server/action';
import { sessionLimitsFormInput } from '@/lib/sessions/limits';
import { updateSessionLimits } from '@/lib/sessions/writes';

export const updateSessionLimitsAction = defineAction(sessionLimitsFormInput, async (ctx, input) => {
  const limits = await updateSessionLimits(ctx, input);
  revalidatePath('/settings/sessions');
  return limits;
});
