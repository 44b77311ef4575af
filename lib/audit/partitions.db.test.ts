// Monthly partitions of audit_events against a real database: events land in their month, the
// viewer's time ranges prune to those months, and the append-only rules hold on every partition.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb, queryRows } from '@/db';
import { asSuperuser, auditRows, makeOrg } from '@/lib/test/helpers';
import { ensureAuditPartitions, listAuditPartitions, PARTITION_LEAD_MONTHS } from './partitions';

const monthName = (d: Date) => `audit_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const monthsFromNow = (n: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
};

describe('audit_events partitions', () => {
  it('has this month and the next ones after migrating, and a default partition', async () => {
    const names = (await listAuditPartitions()).map((p) => p.name);
    expect(names).toContain('audit_events_default');
    for (let i = 0; i < PARTITION_LEAD_MONTHS; i++) expect(names).toContain(monthName(monthsFromNow(i)));
  });

  it('creates missing months once, by UTC month, even when asked twice', async () => {
    const from = new Date(Date.UTC(2031, 0, 31, 23, 30)); // the last half hour of January, UTC
    expect(await ensureAuditPartitions({ from, months: 2 })).toBe(2);
    expect(await ensureAuditPartitions({ from, months: 2 })).toBe(0);
    const parts = await listAuditPartitions();
    const jan = parts.find((p) => p.name === 'audit_events_2031_01');
    expect(jan?.bounds).toMatch(/FROM \('2031-01-01 00:00:00\+00'\) TO \('2031-02-01 00:00:00\+00'\)/);
    expect(parts.map((p) => p.name)).toContain('audit_events_2031_02');
  });

  it('writes each event into the partition of its month, where the viewer reads it', async () => {
    const org = await makeOrg('parts');
    const [row] = await queryRows<{ part: string }>(
      getDb(),
      sql`select tableoid::regclass::text as part from audit_events where organization_id = ${org.orgId} limit 1`,
    );
    expect(row?.part).toBe(monthName(new Date()));
    expect((await auditRows(org.orgId)).length).toBeGreaterThan(0);
  });

  it('prunes a time-bounded query to the months it covers', async () => {
    const org = await makeOrg('prune');
    const start = monthsFromNow(0);
    const plan = await queryRows<{ 'QUERY PLAN': string }>(
      getDb(),
      sql`explain select id from audit_events where organization_id = ${org.orgId}
          and created_at >= ${start.toISOString()}::timestamptz and created_at < ${monthsFromNow(1).toISOString()}::timestamptz`,
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain(monthName(start));
    expect(text).not.toContain(monthName(monthsFromNow(1)));
    expect(text).not.toContain('audit_events_default');
  });

  it('refuses UPDATE, DELETE and TRUNCATE on a partition as on the table', async () => {
    const org = await makeOrg('guard');
    const part = sql.identifier(monthName(new Date()));
    const refusal = (q: ReturnType<typeof sql>) =>
      getDb()
        .execute(q)
        .then(
          () => 'allowed',
          (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
        );
    expect(await refusal(sql`update ${part} set action_type = 'X' where organization_id = ${org.orgId}`)).toMatch(
      /append-only \(UPDATE refused\)/,
    );
    expect(await refusal(sql`delete from ${part} where organization_id = ${org.orgId}`)).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(sql`truncate ${part}`)).toMatch(/append-only \(TRUNCATE refused\)/);
    expect(await refusal(sql`truncate audit_events_default`)).toMatch(/append-only \(TRUNCATE refused\)/);
    expect((await auditRows(org.orgId)).length).toBeGreaterThan(0);
  });

  it('keeps a row outside every month readable in the default partition, and then skips that month with a warning', async () => {
    const org = await makeOrg('stray');
    const when = new Date(Date.UTC(2040, 5, 15));
    await asSuperuser((tx) =>
      tx.execute(
        sql`insert into audit_events (organization_id, action_type, created_at) values (${org.orgId}, 'STRAY', ${when.toISOString()}::timestamptz)`,
      ),
    );
    const [row] = await queryRows<{ part: string }>(
      getDb(),
      sql`select tableoid::regclass::text as part from audit_events where action_type = 'STRAY' and organization_id = ${org.orgId}`,
    );
    expect(row?.part).toBe('audit_events_default');
    expect(await ensureAuditPartitions({ from: when, months: 1 })).toBe(0);
    expect((await listAuditPartitions()).map((p) => p.name)).not.toContain('audit_events_2040_06');
  });
});
