'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/server/action';
import { revokeOwnSession } from '@/lib/sessions/writes';
import { setWorkspace } from '@/lib/users/workspace';

const revokeSessionInput = z.object({ sessionId: z.uuid('Unknown session.') });

export const revokeSessionAction = defineAction(revokeSessionInput, async (ctx, input) => {
  await revokeOwnSession(ctx, input);
  revalidatePath('/account');
});

export const setWorkspaceAction = defineAction(z.object({ groupId: z.uuid('Choose a workspace.') }), async (ctx, input) => {
  await setWorkspace(ctx, input);
  revalidatePath('/', 'layout');
});
