// drizzle/0010 turns an existing audit_events table into a partitioned one: on a database that
// holds events at 0009, migrating keeps every row exactly, ids keep counting from where they were,
// and each row sits in its month's partition. Runs on the same kind of database as the test run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '@/db/migrate';
import { createTestDatabase, dropTestDatabase } from '../../scripts/test-db.mjs';

/** A copy of drizzle/ that stops at `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-migrations-'));
  fs.cpSync(migrationsFolder(), dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const end = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(end).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, end + 1);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

type Database = {
  exec: (q: ReturnType<typeof sql>) => Promise<Record<string, unknown>[]>;
  migrate: (folder: string) => Promise<void>;
  close: () => Promise<void>;
};

async function freshDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const client = new PGlite();
    const db = drizzlePglite(client);
    return {
      exec: async (q) => (await db.execute(q)).rows as Record<string, unknown>[],
      migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const created = await createTestDatabase(serverUrl, 'partmig');
  const client = postgres(created.url, { max: 1, onnotice: () => {} });
  const db = drizzlePostgres(client);
  return {
    exec: async (q) => [...(await db.execute(q))] as Record<string, unknown>[],
    migrate: (folder) => migratePostgres(db, { migrationsFolder: folder }),
    close: async () => {
      await client.end();
      await dropTestDatabase(serverUrl, created.name);
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('migration 0010 (audit_events partitioned by month)', () => {
  it('keeps every existing event, continues the ids, and files each row under its month', async () => {
    const db = await freshDatabase();
    cleanups.push(db.close);
    const before = migrationsUpTo('0009_scim_paging_index');
    cleanups.push(async () => fs.rmSync(before, { recursive: true, force: true }));
    await db.migrate(before);

    const org = crypto.randomUUID();
    // Events in three different months, one of them well in the past, with every column filled.
    await db.exec(sql`insert into audit_events (organization_id, user_id, action_type, ip_address, geo_location, response_time_ms, page_name,
        query_name, resource_name, metadata, "user", request_id, created_at, seq, prev_hash, hash)
      select ${org}::uuid, gen_random_uuid(), 'QUERY_RUN', '203.0.113.' || i, '{"country":"NL"}', i, 'page', 'q' || i, 'res',
        jsonb_build_object('i', i), '{"email":"a@b.test"}', 'req-' || i, timestamptz '2025-03-15 12:00:00+00' + (i * interval '40 days'),
        i, repeat('a', 64), repeat('b', 64)
      from generate_series(1, 12) i`);
    const snapshot = (q: ReturnType<typeof sql>) => db.exec(q).then((rows) => JSON.stringify(rows));
    const rowsQuery = sql`select * from audit_events order by id`;
    const old = await snapshot(rowsQuery);
    const [{ max }] = (await db.exec(sql`select max(id)::text as max from audit_events`)) as [{ max: string }];

    await db.migrate(migrationsFolder());

    expect(await snapshot(rowsQuery)).toBe(old);
    const placed = await db.exec(
      sql`select to_char(created_at at time zone 'UTC', 'YYYY_MM') as month, tableoid::regclass::text as part from audit_events`,
    );
    for (const r of placed) expect(r.part).toBe(`audit_events_${String(r.month)}`);
    const [next] = await db.exec(
      sql`insert into audit_events (organization_id, action_type) values (${org}::uuid, 'AFTER') returning id::text as id`,
    );
    expect(BigInt(String(next!.id))).toBeGreaterThan(BigInt(max));
    const [kind] = await db.exec(sql`select c.relkind::text as kind from pg_class c where c.relname = 'audit_events'`);
    expect(kind!.kind).toBe('p');
  });
});
