'use server';

import { revalidatePath } from 'next/cache';
import { retentionInput, updateRetention } from '@/lib/audit/retention';
import { defineAction } from '@/lib/server/action';

export const updateRetentionAction = defineAction(retentionInput, async (ctx, input) => {
  await updateRetention(ctx, input);
  revalidatePath('/settings/audit-retention');
});
