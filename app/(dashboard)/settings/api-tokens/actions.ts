'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createApiToken, createApiTokenInput, revokeApiToken } from '@/lib/api-tokens/writes';
import { defineAction } from '@/lib/server/action';

/** Scopes arrive as one checkbox per scope: `scope:users:read=on`. */
const createTokenFormInput = z.preprocess((raw) => {
  const form = (raw ?? {}) as Record<string, unknown>;
  const scopes = Object.keys(form)
    .filter((k) => k.startsWith('scope:') && form[k] === 'on')
    .map((k) => k.slice('scope:'.length));
  return { note: form.note, scopes, expiresIn: form.expiresIn };
}, createApiTokenInput);

export const createApiTokenAction = defineAction(createTokenFormInput, async (ctx, input) => {
  const token = await createApiToken(ctx, input);
  revalidatePath('/settings/api-tokens');
  return { id: token.id, token: token.token, scopes: token.scopes };
});

export const revokeApiTokenAction = defineAction(z.object({ tokenId: z.uuid() }), async (ctx, input) => {
  await revokeApiToken(ctx, input);
  revalidatePath('/settings/api-tokens');
});
