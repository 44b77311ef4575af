'use server';

import { revalidatePath } from 'next/cache';
import { querySpoofingInput, setQuerySpoofingPrevention } from '@/lib/apps/settings';
import { defineAction } from '@/lib/server/action';

export const setQuerySpoofingPreventionAction = defineAction(querySpoofingInput, async (ctx, input) => {
  await setQuerySpoofingPrevention(ctx, input);
  revalidatePath('/apps');
});
