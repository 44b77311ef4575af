'use server';

import { revalidatePath } from 'next/cache';
import { createEnvironmentInput, deleteEnvironmentInput, updateEnvironmentInput } from '@/lib/environments/inputs';
import { createEnvironment, deleteEnvironment, updateEnvironment } from '@/lib/environments/writes';
import { defineAction } from '@/lib/server/action';

const refresh = () => revalidatePath('/', 'layout');

export const createEnvironmentAction = defineAction(createEnvironmentInput, async (ctx, input) => {
  await createEnvironment(ctx, input);
  refresh();
});

export const updateEnvironmentAction = defineAction(updateEnvironmentInput, async (ctx, input) => {
  await updateEnvironment(ctx, input);
  refresh();
});

export const deleteEnvironmentAction = defineAction(deleteEnvironmentInput, async (ctx, input) => {
  await deleteEnvironment(ctx, input);
  refresh();
});
