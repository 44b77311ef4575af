// Audit streaming destinations per organization (Datadog Logs, Splunk HEC, signed webhooks): create,
// change, pause and resume, test, delete, and what is shown of them (lag, last success and error).
// The one implementation behind the settings page, the public API and the CLI. Secrets are stored
// as encrypted envelopes bound to their row and never leave: reads return everything but them.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { auditChainHeads, auditEvents, auditSinks, users, type AuditSink } from '@/db/schema';
import { authorize } from '@/lib/authz/authorize';
import { decryptSecret, encryptSecret } from '@/lib/crypto/envelope';
import { AppError, type FieldErrors } from '@/lib/errors';
import { currentKeyring } from '@/lib/keys/keyring';
import { actorUserId, isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { send, testEvent } from './delivery';
import { record } from './record';
import { secretContext } from './sink-formats';
import {
  datadogSiteOf,
  optionProblem,
  resolveSinkUrl,
  SITE_PROBLEM,
  type CreateSinkInput,
  type DatadogSite,
  type SinkOption,
  type UpdateSinkInput,
} from './sink-inputs';

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

const nameTaken = () => AppError.field('name', 'A destination with that name already exists.', 'conflict');

export async function createSink(ctx: MutationCtx, input: CreateSinkInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const id = crypto.randomUUID();
  const from = input.backfillFrom ? new Date(input.backfillFrom) : null;
  // This transaction's own event comes after the start, so a new sink's first delivery is its creation.
  const cursorSeq = await startingSeq(orgId, from, ctx.tx);
  try {
    await ctx.tx.insert(auditSinks).values({
      id,
      organizationId: orgId,
      name: input.name,
      kind: input.kind,
      url: input.url,
      options: input.options,
      secret: encryptSecret(input.secret, secretContext({ id, organizationId: orgId }), currentKeyring()),
      cursorSeq,
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken();
    throw e;
  }
  await record(ctx, {
    actionType: 'AUDIT_SINK_CREATED',
    metadata: { sinkId: id, name: input.name, kind: input.kind, url: input.url, backfillFrom: from?.toISOString() ?? null },
  });
  return { id };
}

async function findSink(orgId: string, sinkId: string, forUpdate: boolean, db: DbOrTx): Promise<AuditSink> {
  if (!z.uuid().safeParse(sinkId).success) throw new AppError('not_found', 'No such destination.');
  const query = db
    .select()
    .from(auditSinks)
    .where(and(eq(auditSinks.id, sinkId), eq(auditSinks.organizationId, orgId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw new AppError('not_found', 'No such destination.');
  return row;
}

/** A destination's settings as shown and audited: everything that configures it but its secret. */
export type SinkSettings = {
  name: string;
  url: string;
  service: string | null;
  tags: string | null;
  index: string | null;
  sourcetype: string | null;
};

export function sinkSettings(sink: Pick<AuditSink, 'name' | 'url' | 'options'>): SinkSettings {
  const o = sink.options;
  return {
    name: sink.name,
    url: sink.url,
    service: o.service ?? null,
    tags: o.tags ?? null,
    index: o.index ?? null,
    sourcetype: o.sourcetype ?? null,
  };
}

/** Pausing stops delivery (events keep accumulating behind the cursor); resuming starts where it stopped. */
async function changePaused(ctx: MutationCtx, sink: AuditSink, paused: boolean): Promise<void> {
  await ctx.tx
    .update(auditSinks)
    .set({ enabled: !paused, failures: 0, nextAttemptAt: new Date(), updatedAt: new Date() })
    .where(eq(auditSinks.id, sink.id));
  // The names predate the words pause and resume, and stay (decision 0029).
  await record(ctx, { actionType: paused ? 'AUDIT_SINK_DISABLED' : 'AUDIT_SINK_ENABLED', metadata: { sinkId: sink.id, name: sink.name } });
}

const SETTINGS_FIELDS = ['name', 'site', 'url', 'secret', 'service', 'tags', 'index', 'sourcetype'] as const;

const alreadyPaused = (paused: boolean) =>
  new AppError('conflict', paused ? 'This destination is already paused.' : 'This destination is not paused.');

export async function setSinkPaused(ctx: MutationCtx, input: { sinkId: string; paused: boolean }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, true, ctx.tx);
  if (!sink.enabled === input.paused) throw alreadyPaused(input.paused);
  await changePaused(ctx, sink, input.paused);
}

/** The secret `sink` holds now, or null when it cannot be read (a key that is gone): then any new one is a change. */
function currentSecret(sink: AuditSink): string | null {
  try {
    return decryptSecret(sink.secret, secretContext(sink), currentKeyring());
  } catch {
    return null;
  }
}

/**
 * Changes a destination's settings, secret, or paused state; fields left out are kept. A new URL
 * or secret is tried at once (the backoff is reset). Records UPDATE_AUDIT_SINK for the settings
 * (with `secret` among what changed, never its value) and AUDIT_SINK_DISABLED/_ENABLED for a
 * pause or resume, in the caller's transaction. Nothing to change is a conflict.
 */
export async function updateSink(ctx: MutationCtx, input: UpdateSinkInput): Promise<{ changed: string[] }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, true, ctx.tx);

  const problems: FieldErrors = {};
  const options = { ...sink.options };
  for (const option of ['service', 'tags', 'index', 'sourcetype'] as const satisfies SinkOption[]) {
    const value = input[option];
    if (value === undefined) continue;
    if (value === null) delete options[option];
    else {
      const problem = optionProblem(sink.kind, option);
      if (problem) problems[option] = [problem];
      options[option] = value;
    }
  }
  if (input.site !== undefined && sink.kind !== 'datadog') problems.site = [SITE_PROBLEM];
  let url = sink.url;
  if (input.url !== undefined || input.site !== undefined) {
    const target = resolveSinkUrl(sink.kind, input.url, input.site);
    if ('problem' in target) problems.url = [target.problem];
    else url = target.url;
  }
  if (Object.keys(problems).length) throw new AppError('invalid_input', 'Check the highlighted fields.', { fieldErrors: problems });

  const before = sinkSettings(sink);
  const after = sinkSettings({ name: input.name ?? sink.name, url, options });
  const changed: string[] = (Object.keys(before) as (keyof SinkSettings)[]).filter((k) => before[k] !== after[k]);
  if (input.secret !== undefined && input.secret !== currentSecret(sink)) changed.push('secret');
  const pauseChange = input.paused !== undefined && input.paused !== !sink.enabled;
  if (changed.length === 0 && !pauseChange) {
    const onlyPaused = SETTINGS_FIELDS.every((k) => input[k] === undefined);
    throw input.paused !== undefined && onlyPaused ? alreadyPaused(input.paused) : new AppError('conflict', 'Nothing changed.');
  }

  if (changed.length) {
    const deliveryChanged = changed.some((k) => k !== 'name');
    try {
      await ctx.tx
        .update(auditSinks)
        .set({
          name: after.name,
          url: after.url,
          options: JSON.parse(JSON.stringify(options)) as AuditSink['options'],
          ...(changed.includes('secret') ? { secret: encryptSecret(input.secret!, secretContext(sink), currentKeyring()) } : {}),
          ...(deliveryChanged ? { failures: 0, nextAttemptAt: new Date() } : {}),
          updatedAt: new Date(),
        })
        .where(eq(auditSinks.id, sink.id));
    } catch (e) {
      if (isUniqueViolation(e)) throw nameTaken();
      throw e;
    }
    await record(ctx, { actionType: 'UPDATE_AUDIT_SINK', metadata: { sinkId: sink.id, before, after, changed } });
  }
  if (pauseChange) await changePaused(ctx, { ...sink, name: after.name }, input.paused!);
  return { changed: pauseChange ? [...changed, input.paused ? 'paused' : 'resumed'] : changed };
}

export async function deleteSink(ctx: MutationCtx, input: { sinkId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, false, ctx.tx);
  await ctx.tx.delete(auditSinks).where(eq(auditSinks.id, sink.id));
  await record(ctx, { actionType: 'AUDIT_SINK_DELETED', metadata: { sinkId: sink.id, name: sink.name } });
}

export type SinkStatus = Omit<AuditSink, 'secret' | 'leaseOwner' | 'leaseUntil'> & {
  /** Paused: delivery waits (stored as `enabled` false). */
  paused: boolean;
  /** The Datadog site the URL is the intake of; null for a custom intake and other kinds. */
  site: DatadogSite | null;
  /** Events committed but not yet delivered. */
  lagEvents: number;
  /** When the oldest undelivered event happened. */
  oldestPendingAt: Date | null;
};

async function statusOf(row: AuditSink, headSeq: number, db: DbOrTx): Promise<SinkStatus> {
  const { secret: _secret, leaseOwner: _owner, leaseUntil: _until, ...sink } = row;
  const lagEvents = Math.max(0, headSeq - sink.cursorSeq);
  const [oldest] = lagEvents
    ? await db
        .select({ at: auditEvents.createdAt })
        .from(auditEvents)
        .where(and(eq(auditEvents.organizationId, sink.organizationId), eq(auditEvents.seq, sink.cursorSeq + 1)))
    : [];
  return {
    ...sink,
    paused: !sink.enabled,
    site: sink.kind === 'datadog' ? datadogSiteOf(sink.url) : null,
    lagEvents,
    oldestPendingAt: oldest?.at ?? null,
  };
}

async function headSeq(orgId: string, db: DbOrTx): Promise<number> {
  const [head] = await db.select({ seq: auditChainHeads.seq }).from(auditChainHeads).where(eq(auditChainHeads.organizationId, orgId));
  return head?.seq ?? 0;
}

/** The organization's destinations, newest first, without their secrets. */
export async function listSinks(orgId: string, db: DbOrTx = getDb()): Promise<SinkStatus[]> {
  const head = await headSeq(orgId, db);
  const rows = await db.select().from(auditSinks).where(eq(auditSinks.organizationId, orgId)).orderBy(desc(auditSinks.createdAt));
  return Promise.all(rows.map((row) => statusOf(row, head, db)));
}

/** One destination of the organization without its secret; null when there is none with that id here. */
export async function getSinkStatus(orgId: string, sinkId: string, db: DbOrTx = getDb()): Promise<SinkStatus | null> {
  if (!z.uuid().safeParse(sinkId).success) return null;
  const [row] = await db
    .select()
    .from(auditSinks)
    .where(and(eq(auditSinks.id, sinkId), eq(auditSinks.organizationId, orgId)));
  return row ? statusOf(row, await headSeq(orgId, db), db) : null;
}

/**
 * A destination as the API and the CLI's --json show it: its settings and delivery state, and that
 * a secret is set (never the secret).
 */
export function sinkView(s: SinkStatus) {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    url: s.url,
    site: s.site,
    service: s.options.service ?? null,
    tags: s.options.tags ?? null,
    index: s.options.index ?? null,
    sourcetype: s.options.sourcetype ?? null,
    secretSet: true as const,
    paused: s.paused,
    delivery: {
      lagEvents: s.lagEvents,
      oldestPendingAt: s.oldestPendingAt,
      deliveredCount: s.deliveredCount,
      failures: s.failures,
      lastSuccessAt: s.lastSuccessAt,
      lastError: s.lastError,
      lastErrorAt: s.lastErrorAt,
      nextAttemptAt: s.failures > 0 ? s.nextAttemptAt : null,
    },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
export type SinkView = ReturnType<typeof sinkView>;

export type SinkTestResult = { ok: boolean; status: number | null; error: string | null };

/**
 * Sends one synthetic event (not part of the audit log) to check a destination's URL and secret,
 * and records that the check happened and how it went. Runs inside the caller's transaction;
 * bounded by a 10 s timeout. A refusal by the destination is a result, not an error.
 */
export async function testSink(ctx: MutationCtx, input: { sinkId: string }): Promise<SinkTestResult> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const sink = await findSink(orgId, input.sinkId, false, ctx.tx);
  const actorId = actorUserId(ctx.actor);
  const [actor] = actorId ? await ctx.tx.select({ email: users.email }).from(users).where(eq(users.id, actorId)) : [];
  const result = await send(sink, [testEvent(sink, actor?.email ?? 'operator')]);
  await record(ctx, {
    actionType: 'AUDIT_SINK_TESTED',
    metadata: { sinkId: sink.id, name: sink.name, ok: result.ok, status: result.status },
  });
  return { ok: result.ok, status: result.status, error: result.ok ? null : result.error };
}
