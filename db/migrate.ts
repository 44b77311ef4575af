// Applies the SQL migrations in drizzle/ with the driver's own migrator. Called at server
// start-up (instrumentation.ts), by `gatehouse migrate`, and by the test setups.
import path from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { dbHandle } from './index';

// Any fixed 64-bit number: serializes migrations across processes sharing one Postgres.
const MIGRATION_LOCK = 727_401_001;

export function migrationsFolder(): string {
  return path.resolve(process.env.GATEHOUSE_ROOT || process.cwd(), 'drizzle');
}

export async function migrate(): Promise<void> {
  const handle = dbHandle();
  const config = { migrationsFolder: migrationsFolder() };
  if (handle.kind === 'embedded') {
    await migratePglite(handle.db as unknown as PgliteDatabase, config);
    return;
  }
  // Sessions of their own, without the statement timeout requests run under (db/index.ts): a
  // migration may rewrite a large table, and waits here for another instance's.
  const client = postgres(process.env.DATABASE_URL!, {
    max: 2,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { statement_timeout: 0, idle_in_transaction_session_timeout: 0 },
  });
  try {
    const conn = await client.reserve();
    try {
      await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres(client), config);
    } finally {
      await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
      conn.release();
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

const g = globalThis as { __gatehouseMigrated?: Promise<void> };

/** Migrates once per process; later callers share the same promise. */
export function ensureMigrated(): Promise<void> {
  g.__gatehouseMigrated ??= migrate().catch((e: unknown) => {
    g.__gatehouseMigrated = undefined;
    throw e;
  });
  return g.__gatehouseMigrated;
}
