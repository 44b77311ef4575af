'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/server/action';
import { revokeOwnSession } from '@/lib/sessions/writes';

const revokeSessionInput = z.object({ sessionId: z.uuid('Unknown session.') });

export const revokeSessionAction = defineAction(revokeSessionInput, async (ctx, input) => {
  await revokeOwnSession(ctx, input);
  revalidatePath('/account');
});
