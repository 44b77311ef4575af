'use server';

import { revalidatePath } from 'next/cache';
import { querySpoofingInput, setQuerySpoofingPrevention } from '@/lib/apps/settings';
import { importApp, importAppInput } from '@/lib/apps/transfer';
import { readAppDocumentText } from '@/lib/apps/transfer-format';
import { defineAction } from '@/lib/server/action';

export const setQuerySpoofingPreventionAction = defineAction(querySpoofingInput, async (ctx, input) => {
  await setQuerySpoofingPrevention(ctx, input);
  revalidatePath('/apps');
});

export const importAppAction = defineAction(importAppInput, async (ctx, { document, ...options }) => {
  const result = await importApp(ctx, { ...options, document: readAppDocumentText(document) });
  revalidatePath('/apps', 'layout');
  return { appId: result.appId, name: result.name, created: result.created, releasedVersion: result.releasedVersion };
});
