import { sql } from 'drizzle-orm';
import { databaseKind, getDb, type DatabaseKind } from '@/db';
import { AppError } from '@/lib/errors';

/** Runs a real query; throws `unavailable` when the database does not answer. */
export async function checkHealth(): Promise<{ status: 'ok'; database: DatabaseKind }> {
  try {
    await getDb().execute(sql`select 1`);
  } catch (e) {
    console.error('[gatehouse] health check failed:', e);
    throw new AppError('unavailable', 'The database is not answering.');
  }
  return { status: 'ok', database: databaseKind() };
}
