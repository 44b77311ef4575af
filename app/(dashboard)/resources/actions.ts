'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createSampleResource, deleteResourceConfig, saveResourceConfig } from '@/lib/resources/configs';
import { resourceConfigTarget, saveResourceConfigInput } from '@/lib/resources/inputs';
import { testResourceConnection } from '@/lib/resources/runtime';
import { defineAction } from '@/lib/server/action';

/** Answers with the names of the fields that changed, never a value. */
export const saveResourceConfigAction = defineAction(saveResourceConfigInput, async (ctx, input) => {
  const { changed } = await saveResourceConfig(ctx, input);
  revalidatePath(`/resources/${input.objectId}`);
  return { changed };
});

export const deleteResourceConfigAction = defineAction(resourceConfigTarget, async (ctx, input) => {
  await deleteResourceConfig(ctx, input);
  revalidatePath(`/resources/${input.objectId}`);
});

/** The result's message has every secret value involved redacted. */
export const testResourceConnectionAction = defineAction(resourceConfigTarget, async (ctx, input) => testResourceConnection(ctx, input));

export const createSampleResourceAction = defineAction(
  z.object({ name: z.string().trim().min(1, 'Enter a name.').max(120, 'Use at most 120 characters.').default('Sample database') }),
  async (ctx, input) => {
    const created = await createSampleResource(ctx, input);
    revalidatePath('/', 'layout');
    return created;
  },
);
