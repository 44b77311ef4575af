// Delivering audit events to sinks, without loss and without sending one event twice from two
// instances. The audit log is the outbox: a sink's cursor names the last delivered event of its
// organization's chain, and chain sequence numbers commit in order (the chain head's row lock is
// held until commit), so reading `seq > cursor` never skips an event that commits later.
//   claim   — FOR UPDATE SKIP LOCKED on due sinks, then a lease (owner + expiry) on each;
//   deliver — one batch within the destination's limits, 10 s timeout;
//   settle  — success moves the cursor (only while we still hold the lease); failure backs off
//             (honouring Retry-After on 429/503) and the same events are sent again later.
// Every event carries its id, so a receiver de-duplicates the rare resend after a lost response.
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { hostname } from 'node:os';
import { getDb } from '@/db';
import { auditEvents, auditSinks, type AuditSink } from '@/db/schema';
import { decryptSecret } from '@/lib/crypto/envelope';
import { currentKeyring } from '@/lib/keys/keyring';
import { redact } from '@/lib/resources/redact';
import { SINK_TEST_ACTION_TYPE } from './events';
import { batchSize, buildRequest, secretContext, SINK_LIMITS, streamedEvent, type StreamedEvent } from './sink-formats';

const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const SINKS_PER_CLAIM = 8;

export type DeliveryOptions = {
  owner?: string;
  now?: () => Date;
  timeoutMs?: number;
  maxBatchesPerSink?: number;
  /** Only this organization's sinks (tests, and "deliver now" for one organization). */
  organizationId?: string;
  /** Asked before each batch: true ends the round early, releasing every lease it holds (shutdown). */
  stopping?: () => boolean;
};

export type DeliveryResult =
  { ok: true; status: number } | { ok: false; status: number | null; error: string; retryAfterMs: number | null };

const defaultOwner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/** POSTs one request; any answer outside 2xx, a network error or a timeout is a failure. */
export async function send(sink: AuditSink, events: StreamedEvent[], timeoutMs = 10_000, now = new Date()): Promise<DeliveryResult> {
  let request;
  let secret: string;
  try {
    secret = decryptSecret(sink.secret, secretContext(sink), currentKeyring());
    request = buildRequest(sink, secret, events, now);
  } catch (e) {
    return { ok: false, status: null, error: (e as Error).message, retryAfterMs: null };
  }
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const body = await res.text().catch(() => '');
    if (res.ok) return { ok: true, status: res.status };
    return {
      ok: false,
      status: res.status,
      error: refusal(res, body, secret),
      retryAfterMs: retryAfter(res.headers.get('retry-after'), now),
    };
  } catch (e) {
    const err = e as Error;
    const error =
      err.name === 'TimeoutError'
        ? `No answer within ${timeoutMs / 1000} s.`
        : `Could not connect: ${(err.cause as Error | undefined)?.message ?? err.message}`;
    return { ok: false, status: null, error, retryAfterMs: null };
  }
}

/**
 * `HTTP 403 Forbidden: {"text":"Invalid token","code":4}`: the status and the start of what the
 * destination said (text or JSON only), with the secret cut out should a receiver echo it.
 */
function refusal(res: Response, body: string, secret: string): string {
  const status = `HTTP ${res.status} ${res.statusText}`.trim();
  if (!/json|text\/plain/i.test(res.headers.get('content-type') ?? '')) return status;
  const said = redact(body.replace(/\s+/g, ' ').trim(), [secret]);
  return said ? `${status}: ${said.length > 200 ? `${said.slice(0, 200)}…` : said}` : status;
}

function retryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** 1 s, 2 s, 4 s … capped at 5 minutes, with jitter so instances and sinks spread out. */
export function backoffMs(failures: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Leases up to SINKS_PER_CLAIM enabled sinks that are due and behind. */
async function claim(owner: string, now: Date, organizationId?: string): Promise<AuditSink[]> {
  return getDb().transaction(async (tx) => {
    const due = await tx
      .select({ id: auditSinks.id })
      .from(auditSinks)
      .where(
        and(
          eq(auditSinks.enabled, true),
          organizationId ? eq(auditSinks.organizationId, organizationId) : undefined,
          lt(auditSinks.nextAttemptAt, new Date(now.getTime() + 1)),
          or(isNull(auditSinks.leaseUntil), lt(auditSinks.leaseUntil, now)),
          sql`${auditSinks.cursorSeq} < coalesce((select h.seq from audit_chain_heads h where h.organization_id = ${auditSinks.organizationId}), 0)`,
        ),
      )
      .orderBy(asc(auditSinks.nextAttemptAt))
      .limit(SINKS_PER_CLAIM)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(auditSinks)
      .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + LEASE_MS) })
      .where(
        inArray(
          auditSinks.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

async function pending(sink: AuditSink, limit: number): Promise<StreamedEvent[]> {
  const rows = await getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, sink.organizationId), gt(auditEvents.seq, sink.cursorSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
  return rows.map(streamedEvent);
}

/** Still ours: the lease was not lost (expired and taken by another instance) meanwhile. */
const held = (sink: AuditSink, owner: string) => and(eq(auditSinks.id, sink.id), eq(auditSinks.leaseOwner, owner));

/** Sends a leased sink's backlog batch by batch until it is empty, a batch fails, or the budget is spent. */
async function drain(
  sink: AuditSink,
  owner: string,
  now: () => Date,
  opts: DeliveryOptions,
): Promise<{ delivered: number; failed: boolean }> {
  let delivered = 0;
  let current = sink;
  for (let i = 0; i < (opts.maxBatchesPerSink ?? 50) && !opts.stopping?.(); i++) {
    const candidates = await pending(current, SINK_LIMITS[current.kind].events);
    if (candidates.length === 0) break;
    const batch = candidates.slice(0, batchSize(current, candidates));
    const result = await send(current, batch, opts.timeoutMs, now());
    const at = now();
    if (!result.ok) {
      const failures = current.failures + 1;
      const wait = Math.max(backoffMs(failures), result.retryAfterMs ?? 0);
      await getDb()
        .update(auditSinks)
        .set({
          failures,
          nextAttemptAt: new Date(at.getTime() + wait),
          lastError: result.error.slice(0, 500),
          lastErrorAt: at,
          leaseOwner: null,
          leaseUntil: null,
        })
        .where(held(current, owner));
      return { delivered, failed: true };
    }
    const lastSeq = batch.at(-1)!.seq!;
    const [moved] = await getDb()
      .update(auditSinks)
      .set({
        cursorSeq: lastSeq,
        deliveredCount: sql`${auditSinks.deliveredCount} + ${batch.length}`,
        failures: 0,
        lastSuccessAt: at,
        nextAttemptAt: at,
        leaseUntil: new Date(at.getTime() + LEASE_MS),
      })
      .where(and(held(current, owner), eq(auditSinks.cursorSeq, current.cursorSeq)))
      .returning();
    if (!moved) return { delivered, failed: false }; // lease lost: the new holder resumes from the cursor
    delivered += batch.length;
    current = moved;
  }
  await getDb().update(auditSinks).set({ leaseOwner: null, leaseUntil: null }).where(held(current, owner));
  return { delivered, failed: false };
}

/**
 * One round of delivery for this instance: claims due sinks and drains each. Safe to run from any
 * number of instances at once. Returns how many events were delivered.
 */
export async function deliverAuditEvents(opts: DeliveryOptions = {}): Promise<{ delivered: number; sinks: number; failed: number }> {
  const owner = opts.owner ?? defaultOwner;
  const now = opts.now ?? (() => new Date());
  const sinks = await claim(owner, now(), opts.organizationId);
  const results = await Promise.all(sinks.map((s) => drain(s, owner, now, opts)));
  return { delivered: results.reduce((n, r) => n + r.delivered, 0), sinks: sinks.length, failed: results.filter((r) => r.failed).length };
}

/** A synthetic event, not part of the chain, to check a destination's URL and secret. */
export function testEvent(sink: AuditSink, actorEmail: string): StreamedEvent {
  return {
    id: `test-${crypto.randomUUID()}`,
    organizationId: sink.organizationId,
    seq: null,
    actionType: SINK_TEST_ACTION_TYPE,
    userId: null,
    user: { email: actorEmail },
    ipAddress: null,
    geoLocation: null,
    responseTimeMs: null,
    pageName: null,
    queryName: null,
    resourceName: null,
    metadata: { sinkId: sink.id, note: 'Test event from Gatehouse. It is not part of the audit log.' },
    requestId: null,
    createdAt: new Date().toISOString(),
    hash: null,
  };
}

/**
 * Delivers every `intervalMs` in this process (the server); overlapping rounds are skipped. The
 * returned stop (on shutdown) starts no more rounds, lets the round in flight finish the batch it
 * is sending, and resolves once that round has released its leases, so another instance takes
 * the sinks over at once instead of after LEASE_MS.
 */
export function startAuditDeliveryLoop(intervalMs = 2000, opts: DeliveryOptions = {}): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = deliverAuditEvents({ ...opts, stopping: () => stopped })
      .catch((e) => console.error('[gatehouse] audit delivery round failed:', e))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
