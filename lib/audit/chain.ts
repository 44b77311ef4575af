// Tamper evidence: each organization's audit events form a hash chain. An event's hash is
// SHA-256 over the previous hash and the event's canonical JSON, so changing, removing or
// inserting any event breaks every link after it.
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { auditChainHeads, auditEvents } from '@/db/schema';
import { can } from '@/lib/authz/can';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { AppError } from '@/lib/errors';
import { checkpointSignatureValid, signingKey } from './checkpoints';
import { GENESIS_HASH, linkHash } from './link';

export { advanceHead, GENESIS_HASH, linkHash, nextLink, type ChainedFields } from './link';

export type ChainReport =
  | {
      ok: true;
      organizationId: string;
      events: number;
      headSeq: number;
      unchainedBefore: number;
      /** Events up to here were removed by retention. */ baseSeq: number;
    }
  | { ok: false; organizationId: string; events: number; brokenAt: { seq: number; eventId: string | null }; reason: string };

/** Walks an organization's chain from the start and reports the first broken link. */
export async function verifyChain(orgId: string, db: DbOrTx = getDb()): Promise<ChainReport> {
  const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.organizationId, orgId));
  const [unchained] = await db
    .select({ n: sql<number>`count(*)::int`, latest: sql<Date | null>`max(${auditEvents.createdAt})` })
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, orgId), isNull(auditEvents.seq)));
  // Retention removes the oldest events and records where the kept chain starts.
  const baseSeq = head?.baseSeq ?? 0;
  let prevHash = head?.baseHash ?? GENESIS_HASH;
  let expected = baseSeq + 1;
  let firstChainedAt: Date | null = null;
  let lastPurge: { throughSeq?: unknown; throughHash?: unknown } | null = null;
  const fail = (seq: number, eventId: string | null, reason: string): ChainReport => ({
    ok: false,
    organizationId: orgId,
    events: expected - 1 - baseSeq,
    brokenAt: { seq, eventId },
    reason,
  });
  for (;;) {
    const batch = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, orgId), gt(auditEvents.seq, expected - 1)))
      .orderBy(asc(auditEvents.seq))
      .limit(1000);
    if (batch.length === 0) break;
    for (const e of batch) {
      const id = e.id.toString();
      if (e.seq !== expected) return fail(expected, null, `Event ${expected} is missing (the next one found is ${e.seq}).`);
      if (e.prevHash !== prevHash) return fail(expected, id, `Event ${expected} does not point at event ${expected - 1}.`);
      const recomputed = linkHash({ ...e, seq: e.seq, prevHash: e.prevHash });
      if (recomputed !== e.hash) return fail(expected, id, `Event ${expected} was changed after it was written.`);
      firstChainedAt ??= e.createdAt;
      if (e.actionType === 'AUDIT_EVENTS_PURGED') lastPurge = e.metadata;
      if (e.actionType === 'AUDIT_CHECKPOINT') {
        const problem = checkpointProblem(e.metadata, e.seq, e.prevHash, orgId);
        if (problem) return fail(expected, id, problem);
      }
      prevHash = e.hash;
      expected++;
    }
  }
  const last = expected - 1;
  const events = last - baseSeq;
  if ((head?.seq ?? 0) !== last || (head?.hash ?? GENESIS_HASH) !== prevHash) {
    return fail(last + 1, null, `The chain ends at event ${last}, but its head says ${head?.seq ?? 0}: events were removed from the end.`);
  }
  if (baseSeq > 0 && (lastPurge?.throughSeq !== baseSeq || lastPurge?.throughHash !== head?.baseHash)) {
    return fail(
      baseSeq,
      null,
      `The chain starts after event ${baseSeq}, but no retention record (AUDIT_EVENTS_PURGED) says so: its start was moved.`,
    );
  }
  if ((unchained?.n ?? 0) > 0 && firstChainedAt && unchained!.latest && new Date(unchained!.latest) > firstChainedAt) {
    return fail(events + 1, null, `${unchained!.n} event(s) without a chain link were added after the chain began.`);
  }
  return { ok: true, organizationId: orgId, events, headSeq: head?.seq ?? 0, unchainedBefore: unchained?.n ?? 0, baseSeq };
}

/**
 * A checkpoint event signs the event just before it. If the chain before it was rewritten, the
 * signed hash no longer matches; a checkpoint cannot be re-signed without the key.
 */
function checkpointProblem(m: Record<string, unknown>, seq: number, prevHash: string | null, orgId: string): string | null {
  if (m.seq !== seq - 1 || m.hash !== prevHash)
    return `Checkpoint ${seq} signed a different event ${String(m.seq)} than the chain now holds: events before it were rewritten.`;
  const key = signingKey();
  if (m.keyId !== key.keyId) return null; // signed with an earlier key; the checkpoint file and SIEM copies still tell
  const checkpoint = {
    v: 1 as const,
    organizationId: orgId,
    seq: m.seq,
    hash: String(m.hash),
    at: String(m.at),
    keyId: m.keyId,
    signature: String(m.signature),
  };
  return checkpointSignatureValid(checkpoint, key.publicKey) ? null : `Checkpoint ${seq} carries a signature that does not verify.`;
}

/** The chain report for someone who may view the organization's audit log. */
export async function verifyChainFor(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<ChainReport> {
  const decision = can(await loadSnapshot(orgId, userId, db), 'view', { kind: 'org', area: 'audit_log' });
  if (!decision.allowed) throw new AppError('forbidden', 'Only admins and groups given audit-log access can verify the audit log.');
  return verifyChain(orgId, db);
}
