'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import {
  createConfigVariable,
  createConfigVariableInput,
  deleteConfigVariable,
  updateConfigVariable,
  updateConfigVariableInput,
} from '@/lib/secrets/config-vars';
import { defineAction } from '@/lib/server/action';

const PATH = '/settings/config-vars';

export const createConfigVariableAction = defineAction(createConfigVariableInput, async (ctx, input) => {
  await createConfigVariable(ctx, input);
  revalidatePath(PATH);
});

/** Answers with what changed (names only), never a value. */
export const updateConfigVariableAction = defineAction(updateConfigVariableInput, async (ctx, input) => {
  const { changed } = await updateConfigVariable(ctx, input);
  revalidatePath(PATH);
  return { changed };
});

export const deleteConfigVariableAction = defineAction(z.object({ variableId: z.uuid('Unknown variable.') }), async (ctx, input) => {
  await deleteConfigVariable(ctx, input);
  revalidatePath(PATH);
});
