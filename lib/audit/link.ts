// Linking audit events into their organization's hash chain. record() only queues events on the
// mutation; runMutation appends them here at the very end of the transaction, so the chain head's
// row lock is held for one statement (a lone event) or two, and the commit, not for the whole
// mutation (decision 0020).
import { eq, sql, type SQL } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
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

/** The canonical text a link hashes after the previous hash: every chained field but prevHash. */
function chainBody(e: Omit<ChainedFields, 'prevHash' | 'seq' | 'createdAt'> & { seq: unknown; createdAt: unknown }): string {
  return canonicalJson({
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
}

export function linkHash(e: ChainedFields): string {
  return createHash('sha256')
    .update(`${e.prevHash}\n${chainBody(e)}`)
    .digest('hex');
}

/** Takes the next link for `orgId`, holding the chain head's row lock until the transaction ends. */
export async function nextLink(orgId: string, tx: DbOrTx): Promise<{ seq: number; prevHash: string }> {
  const [head] = await lockHeads([orgId], tx);
  return { seq: head!.seq + 1, prevHash: head!.hash };
}

export async function advanceHead(orgId: string, seq: number, hash: string, tx: DbOrTx): Promise<void> {
  await tx.update(auditChainHeads).set({ seq, hash }).where(eq(auditChainHeads.organizationId, orgId));
}

/** The database's clock, to the millisecond (what a JavaScript Date holds), read under the lock. */
const LINK_TIME = sql`date_trunc('milliseconds', clock_timestamp())`;

/**
 * Locks the chain heads of `orgIds` (in sorted order, so two transactions never wait on each other
 * crosswise) until the transaction ends, creating them on first use, and reads the time once they
 * are held. One round trip.
 */
async function lockHeads(orgIds: string[], tx: DbOrTx): Promise<{ organizationId: string; seq: number; hash: string; at: Date }[]> {
  return (
    tx
      .insert(auditChainHeads)
      .values([...orgIds].sort().map((organizationId) => ({ organizationId, seq: 0, hash: GENESIS_HASH })))
      // The no-op update locks an existing head; a new one is locked by its insert.
      .onConflictDoUpdate({ target: auditChainHeads.organizationId, set: { seq: sql`${auditChainHeads.seq}` } })
      .returning({
        organizationId: auditChainHeads.organizationId,
        seq: auditChainHeads.seq,
        hash: auditChainHeads.hash,
        at: sql<Date>`${LINK_TIME}`.mapWith(auditEvents.createdAt),
      })
  );
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
export async function appendToChains(pending: PendingAuditEvent[], tx: DbOrTx): Promise<void> {
  if (pending.length === 0) return;
  if (pending.length === 1 && (pending[0]!.linked = (await linkOne(pending[0]!, undefined, tx)) ?? undefined)) return;
  const locked = await lockHeads([...new Set(pending.map((p) => p.fields.organizationId))], tx);
  const heads = new Map(locked.map((h) => [h.organizationId, { seq: h.seq, hash: h.hash }]));
  const createdAt = locked[0]!.at;
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
    const insert = tx
      .insert(auditEvents)
      .values(chunk)
      .returning({ id: auditEvents.id, organizationId: auditEvents.organizationId, seq: auditEvents.seq });
    // The last chunk also advances every head, in the same statement (a data-modifying CTE runs exactly once).
    const advances: SQL[] = [...heads].map(
      ([orgId, h], i) =>
        sql`${sql.identifier(`head_${i}`)} as (${tx.update(auditChainHeads).set({ seq: h.seq, hash: h.hash }).where(eq(auditChainHeads.organizationId, orgId)).getSQL()})`,
    );
    const statement = start + CHUNK < rows.length ? insert.getSQL() : sql`with ${sql.join(advances, sql`, `)} ${insert.getSQL()}`;
    // Raw rows: column names, and int8 as the driver gives it (a string or a bigint).
    const inserted = await queryRows<{ id: bigint | string; organization_id: string; seq: bigint | string | number }>(tx, statement);
    for (const r of inserted) ids.set(key(r.organization_id, r.seq), BigInt(r.id));
  }
  pending.forEach((p, i) => (p.linked = { ...rows[i]!, id: ids.get(key(rows[i]!.organizationId, rows[i]!.seq))! }));
}

/** Stand-ins for seq and createdAt in an event's canonical text, filled in by Postgres under the lock. */
const SEQ_MARK = `\u0000seq ${randomUUID()}`;
const AT_MARK = `\u0000createdAt ${randomUUID()}`;
const MARKS = new RegExp(`(${[SEQ_MARK, AT_MARK].map((m) => JSON.stringify(m).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|')})`);

/**
 * A transaction's only event, linked in one statement: lock the head, read the time, hash, insert
 * and advance the head, all inside Postgres. The hash is SHA-256 over exactly the text linkHash()
 * hashes: the canonical JSON is built here with stand-ins for seq and createdAt, which the
 * statement replaces with the values it takes under the lock; verifyChain checks such a link like
 * any other (tests hash stored rows again in JavaScript). Null when the organization has no head
 * yet: the caller then takes the general path, which creates it.
 */
async function linkOne(p: PendingAuditEvent, change: SQL | undefined, tx: DbOrTx): Promise<PendingAuditEvent['linked'] | null> {
  const f = p.fields;
  const pieces = chainBody({ ...f, seq: SEQ_MARK, createdAt: AT_MARK }).split(MARKS);
  if (pieces.length !== 5) throw new Error("An audit event's canonical text holds a link stand-in.");
  const text = sql.join(
    pieces.map((piece) =>
      piece === JSON.stringify(SEQ_MARK)
        ? sql`(head.seq + 1)::text`
        : piece === JSON.stringify(AT_MARK)
          ? sql`'"' || to_char(clock.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`
          : sql`${piece}::text`,
    ),
    sql` || `,
  );
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const [row] = await queryRows<{
    id: bigint | string;
    seq: bigint | string | number;
    prev_hash: string;
    hash: string;
    created_at: Date | string;
  }>(
    tx,
    sql`with ${change ? sql`change as (${change}),` : sql``} head as (
          select seq, hash from ${auditChainHeads} where ${auditChainHeads.organizationId} = ${f.organizationId}
             ${change ? sql`and exists (select 1 from change)` : sql``} for update
        ), link as (
          update ${auditChainHeads} h
             set seq = head.seq + 1,
                 hash = encode(sha256(convert_to(head.hash || chr(10) || ${text}, 'UTF8')), 'hex')
            -- lateral on head: the clock is read once the head's row lock is held, never before the wait
            from head, lateral (select ${LINK_TIME} as at, head.seq) clock
           where h.organization_id = ${f.organizationId}
          returning h.seq, h.hash, head.hash as prev_hash, clock.at
        )
        insert into ${auditEvents} (organization_id, user_id, action_type, ip_address, geo_location, response_time_ms, page_name, query_name, resource_name, metadata, "user", request_id, created_at, seq, prev_hash, hash)
        select ${f.organizationId}, ${f.userId}, ${f.actionType}, ${f.ipAddress}, ${json(f.geoLocation)}::text::jsonb, ${f.responseTimeMs}::int, ${f.pageName}, ${f.queryName}, ${f.resourceName},
               ${json(f.metadata)}::text::jsonb, ${json(f.user)}::text::jsonb, ${f.requestId}, link.at, link.seq, link.prev_hash, link.hash
          from link
        returning id, seq, prev_hash, hash, created_at`,
  );
  if (!row) return null;
  return {
    ...f,
    seq: Number(row.seq),
    prevHash: row.prev_hash,
    hash: row.hash,
    createdAt: auditEvents.createdAt.mapFromDriverValue(row.created_at) as Date,
    id: BigInt(row.id),
  };
}

/**
 * A change that is one data-modifying statement and the one event that describes it, linked in
 * the same statement: outside a transaction, Postgres commits the two together as the
 * statement's own (decision 0025). `change` is an `insert … returning` whose rows say it
 * happened; the event is linked only if it returned one. It must insert nothing when the
 * organization has no chain head yet (`whereChained`), since this path cannot create one. Null
 * when nothing was inserted: the caller then makes the change the general way, in a transaction.
 */
export async function insertLinked(change: SQL, p: PendingAuditEvent, db: DbOrTx): Promise<PendingAuditEvent['linked'] | null> {
  return (p.linked = (await linkOne(p, change, db)) ?? undefined) ?? null;
}

/** The condition insertLinked's change puts on its insert: the organization's chain has a head (heads are never deleted). */
export function whereChained(orgId: string): SQL {
  return sql`exists (select 1 from ${auditChainHeads} where ${auditChainHeads.organizationId} = ${orgId})`;
}
