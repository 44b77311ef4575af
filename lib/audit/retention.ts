// Audit retention: events older than the organization's retention period are deleted, oldest
// first, in bounded batches, through the one path the append-only trigger allows (the
// gatehouse.audit_retention setting, events older than 30 days). The chain stays verifiable: the
// same transaction moves the chain's base to the last deleted event and records
// AUDIT_EVENTS_PURGED naming it. A legal hold stops deletion; events not yet delivered to an
// enabled streaming sink are never deleted.
import { and, eq, gt, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import { auditChainHeads, auditEvents, auditSinks, organizations } from '@/db/schema';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { checkbox } from '@/lib/forms';
import { type MutationCtx, orgOf, runMutation } from '@/lib/server/mutation';
import { ensureAuditPartitions } from './partitions';
import { record } from './record';

export const DEFAULT_RETENTION_DAYS = 365;
const BATCH = 10_000;
const DAY_MS = 86_400_000;

export const retentionInput = z.object({
  retentionDays: z.coerce
    .number('Enter a number of days.')
    .int('Use whole days.')
    .min(30, 'Keep events at least 30 days.')
    .max(3650, 'Use at most 3,650 days (10 years).'),
  legalHold: checkbox,
});

export function retentionOf(settings: { auditRetentionDays?: number; auditLegalHold?: boolean }) {
  return { retentionDays: settings.auditRetentionDays ?? DEFAULT_RETENTION_DAYS, legalHold: settings.auditLegalHold ?? false };
}

/** Admins set the retention period and the legal hold; both changes are audited. */
export async function updateRetention(ctx: MutationCtx, input: z.infer<typeof retentionInput>): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, orgId)).for('update');
  const before = retentionOf(org!.settings);
  if (before.retentionDays === input.retentionDays && before.legalHold === input.legalHold)
    throw new AppError('conflict', 'Nothing changed.');
  await ctx.tx
    .update(organizations)
    .set({
      settings: { ...org!.settings, auditRetentionDays: input.retentionDays, auditLegalHold: input.legalHold },
      updatedAt: new Date(),
    })
    .where(eq(organizations.id, orgId));
  await record(ctx, { actionType: 'AUDIT_RETENTION_UPDATED', metadata: { before, after: input } });
}

class NothingToPurge extends Error {}

/**
 * Deletes one batch of expired events of one organization. Returns how many were deleted (0 when
 * nothing is due, a legal hold is on, or sinks still need the events).
 */
export async function purgeBatch(orgId: string, now = new Date()): Promise<number> {
  try {
    return await runMutation(
      {
        orgId,
        actor: { kind: 'system', job: 'audit-retention' },
        request: { requestId: `retention-${crypto.randomUUID()}`, ipAddress: null, userAgent: null },
      },
      async (ctx) => {
        const [org] = await ctx.tx.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
        const { retentionDays, legalHold } = retentionOf(org?.settings ?? {});
        if (!org || legalHold) throw new NothingToPurge();
        const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
        // The head's row lock holds appends of this organization for the batch, so the base moves atomically.
        const [head] = await ctx.tx.select().from(auditChainHeads).where(eq(auditChainHeads.organizationId, orgId)).for('update');
        // Deletion is a prefix of the chain: it stops before the first event that is still within the period.
        const [kept] = await ctx.tx
          .select({ seq: sql<number | null>`min(${auditEvents.seq})` })
          .from(auditEvents)
          .where(and(eq(auditEvents.organizationId, orgId), gte(auditEvents.createdAt, cutoff)));
        const expiredThrough = kept?.seq == null ? (head?.seq ?? 0) : Number(kept.seq) - 1;
        const [undelivered] = await ctx.tx
          .select({ seq: sql<number | null>`min(${auditSinks.cursorSeq})` })
          .from(auditSinks)
          .where(and(eq(auditSinks.organizationId, orgId), eq(auditSinks.enabled, true)));
        const base = head?.baseSeq ?? 0;
        const through = Math.min(expiredThrough, undelivered?.seq == null ? Infinity : Number(undelivered.seq), base + BATCH);
        await ctx.tx.execute(sql`select set_config('gatehouse.audit_retention', 'on', true)`);
        // Events from before the chain existed have no seq: expired ones go too.
        const unchained = await ctx.tx
          .delete(auditEvents)
          .where(and(eq(auditEvents.organizationId, orgId), isNull(auditEvents.seq), lt(auditEvents.createdAt, cutoff)))
          .returning({ id: auditEvents.id });
        if (!head || through <= base) {
          if (unchained.length === 0) throw new NothingToPurge();
          await record(ctx, {
            actionType: 'AUDIT_EVENTS_PURGED',
            metadata: {
              throughSeq: base,
              throughHash: head?.baseHash ?? '',
              events: unchained.length,
              olderThan: cutoff.toISOString(),
              retentionDays,
            },
          });
          return unchained.length;
        }
        const deleted = await ctx.tx
          .delete(auditEvents)
          .where(and(eq(auditEvents.organizationId, orgId), gt(auditEvents.seq, base), lte(auditEvents.seq, through)))
          .returning({ seq: auditEvents.seq, hash: auditEvents.hash });
        const last = deleted.reduce((a, b) => (b.seq! > a.seq! ? b : a));
        await ctx.tx
          .update(auditChainHeads)
          .set({ baseSeq: last.seq!, baseHash: last.hash! })
          .where(eq(auditChainHeads.organizationId, orgId));
        const events = deleted.length + unchained.length;
        await record(ctx, {
          actionType: 'AUDIT_EVENTS_PURGED',
          metadata: { throughSeq: last.seq!, throughHash: last.hash!, events, olderThan: cutoff.toISOString(), retentionDays },
        });
        return events;
      },
    );
  } catch (e) {
    if (e instanceof NothingToPurge) return 0;
    throw e;
  }
}

/** Purges every organization (or one) until nothing expired is left; returns events deleted per organization slug. */
export async function purgeExpiredEvents(opts: { organizationId?: string; now?: Date } = {}): Promise<Record<string, number>> {
  const orgs = await getDb()
    .select({ id: organizations.id, slug: organizations.slug })
    .from(organizations)
    .where(opts.organizationId ? eq(organizations.id, opts.organizationId) : undefined);
  const out: Record<string, number> = {};
  for (const org of orgs) {
    let total = 0;
    for (let n = await purgeBatch(org.id, opts.now); n > 0; n = await purgeBatch(org.id, opts.now)) total += n;
    if (total) out[org.slug] = total;
  }
  return out;
}

/** Runs in this process (the server) a minute after start, then hourly: next months' audit partitions, then retention. */
export function startAuditRetentionLoop(intervalMs = 3_600_000): void {
  const run = () =>
    ensureAuditPartitions()
      .then(() => purgeExpiredEvents())
      .then((purged) => {
        for (const [slug, n] of Object.entries(purged))
          console.log(`[gatehouse] audit retention: deleted ${n} expired event(s) of ${slug}.`);
      })
      .catch((e) => console.error('[gatehouse] audit retention failed:', e));
  setTimeout(run, 60_000).unref();
  setInterval(run, intervalMs).unref();
}
