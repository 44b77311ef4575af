'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import {
  createDirectory,
  createDirectoryInput,
  deleteDirectory,
  rotateDirectoryToken,
  scimBaseUrl,
  setDirectoryPaused,
} from '@/lib/scim/directories';
import { defineAction } from '@/lib/server/action';
import { requestOrigin } from '@/lib/server/request';

const directoryId = z.uuid('Unknown directory.');

export const createDirectoryAction = defineAction(createDirectoryInput, async (ctx, input) => {
  const dir = await createDirectory(ctx, input);
  revalidatePath('/settings/scim');
  return { id: dir.id, token: dir.token, baseUrl: scimBaseUrl(await requestOrigin(), dir.id) };
});

export const rotateDirectoryTokenAction = defineAction(z.object({ directoryId }), async (ctx, input) => {
  const { token } = await rotateDirectoryToken(ctx, input);
  revalidatePath(`/settings/scim/${input.directoryId}`);
  return { token };
});

export const setDirectoryPausedAction = defineAction(
  z.object({ directoryId, paused: z.enum(['true', 'false']).transform((v) => v === 'true') }),
  async (ctx, input) => {
    await setDirectoryPaused(ctx, input);
    revalidatePath(`/settings/scim/${input.directoryId}`);
  },
);

export const deleteDirectoryAction = defineAction(z.object({ directoryId }), async (ctx, input) => {
  await deleteDirectory(ctx, input);
  revalidatePath('/settings/scim');
});
