// audit_events is partitioned by UTC month on created_at (drizzle/0010): the viewer's time ranges
// prune to the months they cover, and each month's indexes stay small. Partitions are made ahead
// of time by the database function audit_events_ensure_partitions, at start-up and hourly with
// retention; a row that finds no month lands in audit_events_default and stays readable.
import { sql } from 'drizzle-orm';
import { getDb, queryRows, type DbOrTx } from '@/db';

/** How many months, starting with the current one, always have a partition. */
export const PARTITION_LEAD_MONTHS = 4;

/** Creates the missing monthly partitions for `months` months from `from`; returns how many. */
export async function ensureAuditPartitions(opts: { from?: Date; months?: number } = {}, db: DbOrTx = getDb()): Promise<number> {
  const from = opts.from ?? new Date();
  const months = opts.months ?? PARTITION_LEAD_MONTHS;
  const [row] = await queryRows<{ created: number }>(
    db,
    sql`select audit_events_ensure_partitions(${from.toISOString()}::timestamptz, ${months}::integer) as created`,
  );
  return Number(row?.created ?? 0);
}

export type AuditPartition = { name: string; bounds: string; rows: number };

/** The partitions, oldest first, with their estimated row counts (from the statistics). */
export async function listAuditPartitions(db: DbOrTx = getDb()): Promise<AuditPartition[]> {
  const rows = await queryRows<{ name: string; bounds: string; rows: string | number }>(
    db,
    sql`select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bounds, greatest(c.reltuples, 0)::bigint as rows
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'audit_events'::regclass
        order by c.relname`,
  );
  return rows.map((r) => ({ name: r.name, bounds: r.bounds, rows: Number(r.rows) }));
}
