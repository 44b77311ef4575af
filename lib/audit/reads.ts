import { and, asc, desc, eq, gte, inArray, lt, min, or, sql, type SQL } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { auditEvents, type AuditEventRow as StoredAuditEvent } from '@/db/schema';
import { containsPattern } from '@/lib/search';
import { AUDIT_BUCKETS, bucketFor, isAuditEventId, type AuditBucket, type AuditCursor, type AuditFilter } from './filter';

export type { AuditCursor, AuditFilter } from './filter';

export type AuditEventDto = {
  id: string;
  actionType: string;
  userId: string | null;
  userEmail: string | null;
  ipAddress: string | null;
  metadata: Record<string, unknown>;
  requestId: string | null;
  createdAt: Date;
};

const metadataStatus = sql`${auditEvents.metadata}->>'status'`;
const metadataAppName = sql`${auditEvents.metadata}->>'appName'`;

/**
 * A failure by name (*_FAILED), an HTTP-style status of 400 or more, or an error in the metadata.
 * CASE, not AND: Postgres may evaluate either side of an AND first, and a cast of "n/a" fails.
 */
const isError = sql`(right(${auditEvents.actionType}, 7) = '_FAILED'
  or case when ${metadataStatus} ~ '^[0-9]{1,4}$' then (${metadataStatus})::int >= 400 else false end
  or ${auditEvents.metadata} ? 'error')`;

/** The organization's events matching every field of `filter`; values reach SQL only as parameters. */
function auditWhere(orgId: string, f: AuditFilter): SQL | undefined {
  return and(
    eq(auditEvents.organizationId, orgId),
    f.actionTypes?.length ? inArray(auditEvents.actionType, f.actionTypes) : undefined,
    f.userId ? eq(auditEvents.userId, f.userId) : undefined,
    f.userEmail ? sql`lower(${auditEvents.user}->>'email') = lower(${f.userEmail})` : undefined,
    f.from ? gte(auditEvents.createdAt, f.from) : undefined,
    f.to ? lt(auditEvents.createdAt, f.to) : undefined,
    f.requestId ? eq(auditEvents.requestId, f.requestId) : undefined,
    f.app ? or(eq(auditEvents.pageName, f.app), sql`${metadataAppName} = ${f.app}`) : undefined,
    f.query ? eq(auditEvents.queryName, f.query) : undefined,
    f.resource ? eq(auditEvents.resourceName, f.resource) : undefined,
    f.errorsOnly ? isError : undefined,
    f.ip ? eq(auditEvents.ipAddress, f.ip) : undefined,
    f.text ? sql`${auditEvents.metadata}::text ilike ${containsPattern(f.text)}` : undefined,
  );
}

// Row-value comparisons follow the (organization_id, created_at, id) index in either direction.
const olderThan = (c: AuditCursor) =>
  sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${c.createdAt.toISOString()}::timestamptz, ${c.id}::bigint)`;
const newerThan = (c: AuditCursor) =>
  sql`(${auditEvents.createdAt}, ${auditEvents.id}) > (${c.createdAt.toISOString()}::timestamptz, ${c.id}::bigint)`;

export type AuditEventRow = AuditEventDto & { user: Record<string, unknown> | null };
export type AuditEventPage = {
  events: AuditEventRow[];
  /** Continues with older events (pass as `after`); null on the oldest page. */
  next: AuditCursor | null;
  /** Continues with newer events (pass as `newerThan`); null on the newest page. */
  newer: AuditCursor | null;
};

const cursorOf = (e: AuditEventRow | undefined): AuditCursor | null => (e ? { createdAt: e.createdAt, id: e.id } : null);

/**
 * A page of the organization's events, newest first. `after` continues past that event (older
 * ones); `newerThan` returns the page just above it. Both are keyset positions, so events that
 * arrive meanwhile never shift a page.
 */
export async function listAuditEvents(
  orgId: string,
  filter: AuditFilter,
  page: { limit: number; after?: AuditCursor; newerThan?: AuditCursor },
  db: DbOrTx = getDb(),
): Promise<AuditEventPage> {
  const upward = !page.after && page.newerThan;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(auditWhere(orgId, filter), page.after ? olderThan(page.after) : undefined, upward ? newerThan(upward) : undefined))
    .orderBy(...(upward ? [asc(auditEvents.createdAt), asc(auditEvents.id)] : [desc(auditEvents.createdAt), desc(auditEvents.id)]))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  const events = (upward ? kept.reverse() : kept).map((r) => ({
    id: r.id.toString(),
    actionType: r.actionType,
    userId: r.userId,
    userEmail: typeof r.user?.email === 'string' ? r.user.email : null,
    ipAddress: r.ipAddress,
    metadata: r.metadata,
    requestId: r.requestId,
    createdAt: r.createdAt,
    user: r.user,
  }));
  if (upward) return { events, next: cursorOf(events.at(-1)), newer: more ? cursorOf(events[0]) : null };
  return { events, next: more ? cursorOf(events.at(-1)) : null, newer: page.after ? cursorOf(events[0]) : null };
}

/** Every stored column; the id as a string (it is a bigint). */
export type AuditEventDetail = Omit<StoredAuditEvent, 'id'> & { id: string };

// Every stored column, named: the detail panel shows the whole event, chain fields included.
const detailColumns = {
  id: auditEvents.id,
  organizationId: auditEvents.organizationId,
  seq: auditEvents.seq,
  createdAt: auditEvents.createdAt,
  actionType: auditEvents.actionType,
  userId: auditEvents.userId,
  user: auditEvents.user,
  ipAddress: auditEvents.ipAddress,
  geoLocation: auditEvents.geoLocation,
  responseTimeMs: auditEvents.responseTimeMs,
  pageName: auditEvents.pageName,
  queryName: auditEvents.queryName,
  resourceName: auditEvents.resourceName,
  requestId: auditEvents.requestId,
  metadata: auditEvents.metadata,
  prevHash: auditEvents.prevHash,
  hash: auditEvents.hash,
};

/** One event with every stored column, or null when it is not this organization's. */
export async function findAuditEvent(orgId: string, id: string, db: DbOrTx = getDb()): Promise<AuditEventDetail | null> {
  if (!isAuditEventId(id)) return null;
  const [r] = await db
    .select(detailColumns)
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, orgId), eq(auditEvents.id, BigInt(id))));
  return r ? { ...r, id: r.id.toString() } : null;
}

export const OTHER_SERIES = 'Other';

export type AuditChart = {
  bucket: AuditBucket;
  /** The most frequent action types, then OTHER_SERIES when there are more. */
  series: string[];
  /** Every bucket of the window, empty ones included, oldest first; `counts` follows `series`. */
  bars: { start: Date; counts: number[]; total: number }[];
};

// date_bin's origin: buckets start at UTC midnight (and 5-minute / hour boundaries).
const BIN_ORIGIN = Date.UTC(2000, 0, 1);
const MAX_BARS = 1000;

/**
 * Counts of the matching events per time bucket and action type, for the viewer's chart. The
 * window is the filter's range, or from the oldest matching event to `now`; the bucket, unless
 * given, is the finest that draws the window in at most 100 bars (see bucketFor).
 */
export async function auditEventCounts(
  orgId: string,
  filter: AuditFilter,
  opts: { bucket?: AuditBucket; top?: number; now?: Date } = {},
  db: DbOrTx = getDb(),
): Promise<AuditChart> {
  const where = auditWhere(orgId, filter);
  const end = filter.to ?? opts.now ?? new Date();
  const start = filter.from ?? (await oldestEventAt(where, db));
  const bucket = opts.bucket ?? bucketFor(start ?? end, end);
  if (!start) return { bucket, series: [], bars: [] };
  // Group on the timestamp itself and convert the few grouped rows to epoch milliseconds after:
  // converting every event first costs more than the counting.
  const bins = db
    .select({
      bin: sql<string>`date_bin(${bucket}::interval, ${auditEvents.createdAt}, ${new Date(BIN_ORIGIN).toISOString()}::timestamptz)`.as(
        'bin',
      ),
      actionType: auditEvents.actionType,
      n: sql<number>`count(*)::int`.as('n'),
    })
    .from(auditEvents)
    .where(where)
    // By position: the bucket expression carries bound parameters, so it cannot be repeated verbatim.
    .groupBy(sql`1`, sql`2`)
    .as('bins');
  const rows = await db
    .select({
      start: sql<number>`extract(epoch from ${bins.bin}) * 1000`.mapWith(Number),
      actionType: bins.actionType,
      count: sql<number>`${bins.n}`.mapWith(Number),
    })
    .from(bins);
  return stackCounts(rows, { start, end, bucket, top: opts.top ?? 6 });
}

async function oldestEventAt(where: SQL | undefined, db: DbOrTx): Promise<Date | null> {
  const [row] = await db
    .select({ oldest: min(auditEvents.createdAt) })
    .from(auditEvents)
    .where(where);
  return row?.oldest ?? null;
}

type CountRow = { start: number; actionType: string; count: number };

/** Lays counts out as one bar per bucket of the window, stacked by the `top` action types plus "Other". */
function stackCounts(rows: CountRow[], w: { start: Date; end: Date; bucket: AuditBucket; top: number }): AuditChart {
  const size = AUDIT_BUCKETS[w.bucket];
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.actionType, (totals.get(r.actionType) ?? 0) + r.count);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  const named = ranked.slice(0, ranked.length > w.top ? w.top : ranked.length);
  const series = ranked.length > named.length ? [...named, OTHER_SERIES] : named;
  const index = (t: string) => (named.includes(t) ? named.indexOf(t) : named.length);

  const first = BIN_ORIGIN + Math.floor((w.start.getTime() - BIN_ORIGIN) / size) * size;
  const bars: AuditChart['bars'] = [];
  const byStart = new Map<number, AuditChart['bars'][number]>();
  for (let t = first; t < w.end.getTime() && bars.length < MAX_BARS; t += size) {
    const bar = { start: new Date(t), counts: series.map(() => 0), total: 0 };
    bars.push(bar);
    byStart.set(t, bar);
  }
  for (const r of rows) {
    const bar = byStart.get(r.start);
    if (!bar) continue;
    bar.counts[index(r.actionType)]! += r.count;
    bar.total += r.count;
  }
  return { bucket: w.bucket, series, bars };
}
