// Linking audit events into their organization's hash chain. record() only queues events on the
// mutation; runMutation appends them here at the very end of the transaction, so the chain head's
// row lock is held for two statements and the commit, not for the whole mutation (decision 0020).
import { eq, sql, type SQL } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { queryRows, type DbOrTx } from '@/db';
import { auditChainHeads, auditEvents } from '@/db/schema';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a link covers: everything stored about the event except its row id and its own hash. */
export type ChainedFields = {
  organizationId: string;
  seq: number;
  prevHash: string;
  userId: string | null;
  actionType: string;
  ipAddress: string | null;
  geoLocation: unknown;
  responseTimeMs: number | null;
  pageName: string | null;
  queryName: string | null;
  resourceName: string | null;
  metadata: Record<string, unknown>;
  user: Record<string, unknown> | null;
  requestId: string | null;
  createdAt: Date;
};

export function linkHash(e: ChainedFields): string {
  const body = canonicalJson({
    organizationId: e.organizationId,
    seq: e.seq,
    userId: e.userId,
    actionType: e.actionType,
    ipAddress: e.ipAddress,
    geoLocation: e.geoLocation ?? null,
    responseTimeMs: e.responseTimeMs,
    pageName: e.pageName,
    queryName: e.queryName,
    resourceName: e.resourceName,
    metadata: e.metadata,
    user: e.user ?? null,
    requestId: e.requestId,
    createdAt: e.createdAt,
  });
  return createHash('sha256').update(`${e.prevHash}\n${body}`).digest('hex');
}

/** Takes the next link for `orgId`, holding the chain head's row lock until the transaction ends. */
export async function nextLink(tx: DbOrTx, orgId: string): Promise<{ seq: number; prevHash: string }> {
  const [head] = await lockHeads(tx, [orgId]);
  return { seq: head!.seq + 1, prevHash: head!.hash };
}

export async function advanceHead(tx: DbOrTx, orgId: string, seq: number, hash: string): Promise<void> {
  await tx.update(auditChainHeads).set({ seq, hash }).where(eq(auditChainHeads.organizationId, orgId));
}

/**
 * Locks the chain heads of `orgIds` (in sorted order, so two transactions never wait on each other
 * crosswise) until the transaction ends, creating them on first use. One round trip.
 */
async function lockHeads(tx: DbOrTx, orgIds: string[]): Promise<{ organizationId: string; seq: number; hash: string }[]> {
  return tx
    .insert(auditChainHeads)
    .values([...orgIds].sort().map((organizationId) => ({ organizationId, seq: 0, hash: GENESIS_HASH })))
    // The no-op update locks an existing head; a new one is locked by its insert.
    .onConflictDoUpdate({ target: auditChainHeads.organizationId, set: { seq: sql`${auditChainHeads.seq}` } })
    .returning({ organizationId: auditChainHeads.organizationId, seq: auditChainHeads.seq, hash: auditChainHeads.hash });
}

/** An event record() validated, waiting to be linked; `linked` is filled in when it is. */
export type PendingAuditEvent = {
  fields: Omit<ChainedFields, 'seq' | 'prevHash' | 'createdAt'>;
  linked?: ChainedFields & { hash: string; id: bigint };
};

/** Rows per INSERT: well below Postgres's 65,535 bind parameters at 16 columns a row. */
const CHUNK = 1000;

/**
 * Appends queued events to their organizations' chains, in the order they were recorded: locks
 * the heads, hashes every event, then inserts them and advances the heads in one statement.
 * Every event of the transaction gets the moment its link was taken as createdAt, so createdAt
 * never goes backwards along a chain.
 */
export async function appendToChains(tx: DbOrTx, pending: PendingAuditEvent[]): Promise<void> {
  if (pending.length === 0) return;
  const heads = new Map((await lockHeads(tx, [...new Set(pending.map((p) => p.fields.organizationId))])).map((h) => [h.organizationId, { seq: h.seq, hash: h.hash }]));
  const createdAt = new Date();
  const rows = pending.map((p) => {
    const head = heads.get(p.fields.organizationId)!;
    const row: ChainedFields = { ...p.fields, seq: head.seq + 1, prevHash: head.hash, createdAt };
    const hash = linkHash(row);
    head.seq = row.seq;
    head.hash = hash;
    return { ...row, hash };
  });
  const ids = new Map<string, bigint>();
  const key = (orgId: string, seq: bigint | string | number) => `${orgId}:${seq}`;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const insert = tx.insert(auditEvents).values(chunk).returning({ id: auditEvents.id, organizationId: auditEvents.organizationId, seq: auditEvents.seq });
    // The last chunk also advances every head, in the same statement (a data-modifying CTE runs exactly once).
    const advances: SQL[] = [...heads].map(([orgId, h], i) =>
      sql`${sql.identifier(`head_${i}`)} as (${tx.update(auditChainHeads).set({ seq: h.seq, hash: h.hash }).where(eq(auditChainHeads.organizationId, orgId)).getSQL()})`,
    );
    const statement = start + CHUNK < rows.length ? insert.getSQL() : sql`with ${sql.join(advances, sql`, `)} ${insert.getSQL()}`;
    // Raw rows: column names, and int8 as the driver gives it (a string or a bigint).
    const inserted = await queryRows<{ id: bigint | string; organization_id: string; seq: bigint | string | number }>(tx, statement);
    for (const r of inserted) ids.set(key(r.organization_id, r.seq), BigInt(r.id));
  }
  pending.forEach((p, i) => (p.linked = { ...rows[i]!, id: ids.get(key(rows[i]!.organizationId, rows[i]!.seq))! }));
}
