'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/server/action';
import { deleteSsoConnection, saveSsoConnection } from '@/lib/sso/connections';
import { saveSamlConnectionInput, saveSsoConnectionInput } from '@/lib/sso/inputs';
import { saveSamlConnection } from '@/lib/sso/saml';

export const saveSsoConnectionAction = defineAction(saveSsoConnectionInput, async (ctx, input) => {
  await saveSsoConnection(ctx, input);
  revalidatePath('/settings/sso');
});

export const saveSamlConnectionAction = defineAction(saveSamlConnectionInput, async (ctx, input) => {
  await saveSamlConnection(ctx, input);
  revalidatePath('/settings/sso');
});

export const deleteSsoConnectionAction = defineAction(z.object({}), async (ctx) => {
  await deleteSsoConnection(ctx);
  revalidatePath('/settings/sso');
});
