// Audit streaming destinations per organization (Datadog Logs, Splunk HEC, signed webhooks):
// create, enable/disable, delete, and what the sink page shows (lag, last success and error).
// Secrets are stored as encrypted envelopes bound to their row and are never read back out.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { auditChainHeads, auditEvents, auditSinks, users, AUDIT_SINK_KINDS, type AuditSink } from '@/db/schema';
import { authorize } from '@/lib/authz/authorize';
import { encryptSecret } from '@/lib/crypto/envelope';
import { AppError } from '@/lib/errors';
import { currentKeyring } from '@/lib/keys/keyring';
import { actorUserId, isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { send, testEvent } from './delivery';
import { record } from './record';
import { secretContext } from './sink-formats';

/** Datadog sites and their log intake origins. */
export const DATADOG_SITES = {
  'datadoghq.com': 'https://http-intake.logs.datadoghq.com',
  'us3.datadoghq.com': 'https://http-intake.logs.us3.datadoghq.com',
  'us5.datadoghq.com': 'https://http-intake.logs.us5.datadoghq.com',
  'datadoghq.eu': 'https://http-intake.logs.datadoghq.eu',
  'ap1.datadoghq.com': 'https://http-intake.logs.ap1.datadoghq.com',
  'ddog-gov.com': 'https://http-intake.logs.ddog-gov.com',
} as const;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** https anywhere; plain http only to this machine (local collectors, tests). Never link-local (cloud metadata). */
function sinkUrlProblem(value: string): string | null {
  if (!URL.canParse(value)) return 'Enter a full URL, e.g. https://logs.example.com/ingest.';
  const u = new URL(value);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.test(u.hostname)))
    return 'Use an https URL (plain http is allowed only to localhost).';
  if (/^169\.254\.|^\[fe80:/i.test(u.hostname)) return 'Link-local addresses are not allowed.';
  if (u.username || u.password) return 'Put credentials in the secret field, not in the URL.';
  return null;
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .optional()
    .transform((v) => v || undefined);

export const createSinkInput = z
  .object({
    name: z.string().trim().min(1, 'Name the destination.').max(100, 'Use at most 100 characters.'),
    kind: z.enum(AUDIT_SINK_KINDS, 'Choose Datadog, Splunk or webhook.'),
    /** Datadog only: a site instead of a URL. */
    site: z
      .enum(Object.keys(DATADOG_SITES) as [keyof typeof DATADOG_SITES])
      .optional()
      .catch(undefined),
    url: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined),
    secret: z.string().trim().min(1, 'Enter the API key, HEC token or signing secret.').max(500, 'Use at most 500 characters.'),
    service: optionalText(100),
    tags: optionalText(500),
    index: optionalText(100),
    sourcetype: optionalText(100),
    /** Also send events from this moment on (a backfill); default: only events from now. */
    backfillFrom: z.iso
      .datetime({ offset: true, message: 'Use a date and time, e.g. 2026-01-31T00:00:00Z.' })
      .optional()
      .or(z.literal('').transform(() => undefined)),
  })
  .transform((v, ctx) => {
    const url = v.kind === 'datadog' && !v.url ? DATADOG_SITES[v.site ?? 'datadoghq.com'] : v.url;
    const problem = url ? (url.length > 2000 ? 'Use at most 2,000 characters.' : sinkUrlProblem(url)) : 'Enter the URL events are sent to.';
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
      return z.NEVER;
    }
    return { ...v, url: url! };
  });
export type CreateSinkInput = z.infer<typeof createSinkInput>;

/** Where a new sink starts: after the last event before `from`, or after the newest event. */
async function startingSeq(orgId: string, from: Date | null, db: DbOrTx): Promise<number> {
  if (from) {
    const [row] = await db
      .select({ seq: sql<number | null>`max(${auditEvents.seq})` })
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, orgId), lt(auditEvents.createdAt, from)));
    return Number(row?.seq ?? 0);
  }
  const [head] = await db.select({ seq: auditChainHeads.seq }).from(auditChainHeads).where(eq(auditChainHeads.organizationId, orgId));
  return head?.seq ?? 0;
}

export async function createSink(ctx: MutationCtx, input: CreateSinkInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const id = crypto.randomUUID();
  const from = input.backfillFrom ? new Date(input.backfillFrom) : null;
  // This transaction's own event comes after the start, so a new sink's first delivery is its creation.
  const cursorSeq = await startingSeq(orgId, from, ctx.tx);
  const options = { service: input.service, tags: input.tags, index: input.index, sourcetype: input.sourcetype };
  try {
    await ctx.tx.insert(auditSinks).values({
      id,
      organizationId: orgId,
      name: input.name,
      kind: input.kind,
      url: input.url,
      options: JSON.parse(JSON.stringify(options)),
      secret: encryptSecret(input.secret, secretContext({ id, organizationId: orgId }), currentKeyring()),
      cursorSeq,
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('name', 'A destination with that name already exists.', 'conflict');
    throw e;
  }
  await record(ctx, {
    actionType: 'AUDIT_SINK_CREATED',
    metadata: { sinkId: id, name: input.name, kind: input.kind, url: input.url, backfillFrom: from?.toISOString() ?? null },
  });
  return { id };
}

async function findSink(orgId: string, sinkId: string, db: DbOrTx): Promise<AuditSink> {
  const [row] = z.uuid().safeParse(sinkId).success
    ? await db
        .select()
        .from(auditSinks)
        .where(and(eq(auditSinks.id, sinkId), eq(auditSinks.organizationId, orgId)))
    : [];
  if (!row) throw new AppError('not_found', 'No such destination.');
  return row;
}

/** Disabling stops delivery (events keep accumulating behind the cursor); enabling resumes where it stopped. */
export async function setSinkEnabled(ctx: MutationCtx, input: { sinkId: string; enabled: boolean }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, ctx.tx);
  if (sink.enabled === input.enabled)
    throw new AppError('conflict', input.enabled ? 'This destination is already enabled.' : 'This destination is already disabled.');
  await ctx.tx
    .update(auditSinks)
    .set({ enabled: input.enabled, failures: 0, nextAttemptAt: new Date(), updatedAt: new Date() })
    .where(eq(auditSinks.id, sink.id));
  await record(ctx, {
    actionType: input.enabled ? 'AUDIT_SINK_ENABLED' : 'AUDIT_SINK_DISABLED',
    metadata: { sinkId: sink.id, name: sink.name },
  });
}

export async function deleteSink(ctx: MutationCtx, input: { sinkId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, ctx.tx);
  await ctx.tx.delete(auditSinks).where(eq(auditSinks.id, sink.id));
  await record(ctx, { actionType: 'AUDIT_SINK_DELETED', metadata: { sinkId: sink.id, name: sink.name } });
}

export type SinkStatus = Omit<AuditSink, 'secret' | 'leaseOwner' | 'leaseUntil'> & {
  /** Events committed but not yet delivered. */
  lagEvents: number;
  /** When the oldest undelivered event happened. */
  oldestPendingAt: Date | null;
};

export async function listSinks(orgId: string, db: DbOrTx = getDb()): Promise<SinkStatus[]> {
  const [head] = await db.select({ seq: auditChainHeads.seq }).from(auditChainHeads).where(eq(auditChainHeads.organizationId, orgId));
  const rows = await db.select().from(auditSinks).where(eq(auditSinks.organizationId, orgId)).orderBy(desc(auditSinks.createdAt));
  return Promise.all(
    rows.map(async ({ secret: _secret, leaseOwner: _owner, leaseUntil: _until, ...sink }) => {
      const lagEvents = Math.max(0, (head?.seq ?? 0) - sink.cursorSeq);
      const [oldest] = lagEvents
        ? await db
            .select({ at: auditEvents.createdAt })
            .from(auditEvents)
            .where(and(eq(auditEvents.organizationId, orgId), eq(auditEvents.seq, sink.cursorSeq + 1)))
        : [];
      return { ...sink, lagEvents, oldestPendingAt: oldest?.at ?? null };
    }),
  );
}

export async function getSinkForOrg(orgId: string, sinkId: string, db: DbOrTx = getDb()): Promise<AuditSink> {
  return findSink(orgId, sinkId, db);
}

/**
 * Sends one synthetic event (not part of the audit log) to check a destination's URL and secret,
 * and records that the check happened. Runs inside the caller's transaction; bounded by a 10 s timeout.
 */
export async function testSink(
  ctx: MutationCtx,
  input: { sinkId: string },
): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, ctx.tx);
  const actorId = actorUserId(ctx.actor);
  const [actor] = actorId ? await ctx.tx.select({ email: users.email }).from(users).where(eq(users.id, actorId)) : [];
  const result = await send(sink, [testEvent(sink, actor?.email ?? 'operator')]);
  await record(ctx, {
    actionType: 'AUDIT_SINK_TESTED',
    metadata: { sinkId: sink.id, name: sink.name, ok: result.ok, status: result.status },
  });
  return { ok: result.ok, status: result.status, error: result.ok ? null : result.error };
}
