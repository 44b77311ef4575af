// The organization's query protections: "Prevent query variable spoofing" (on unless turned off).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { organizations, type OrganizationSettings } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { checkbox } from '@/lib/forms';
import type { MutationCtx } from '@/lib/server/mutation';

export const querySpoofingInput = z.object({ enabled: checkbox });

export function preventsQuerySpoofing(settings: OrganizationSettings): boolean {
  return settings.preventQueryVariableSpoofing !== false;
}

/** Turns spoofing prevention on or off (settings admins); audited with before and after. */
export async function setQuerySpoofingPrevention(ctx: MutationCtx, input: z.infer<typeof querySpoofingInput>): Promise<void> {
  if (!ctx.orgId) throw new AppError('unauthenticated', 'Sign in first.');
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, ctx.orgId)).for('update');
  const before = preventsQuerySpoofing(org!.settings);
  if (before === input.enabled) throw new AppError('conflict', 'Nothing changed.');
  await ctx.tx
    .update(organizations)
    .set({ settings: { ...org!.settings, preventQueryVariableSpoofing: input.enabled }, updatedAt: new Date() })
    .where(eq(organizations.id, ctx.orgId));
  await record(ctx, { actionType: 'QUERY_SPOOFING_PREVENTION_UPDATED', metadata: { before, after: input.enabled } });
}
