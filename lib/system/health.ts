import { sql } from 'drizzle-orm';
import { databaseKind, getDb, type DatabaseKind } from '@/db';
import { AppError } from '@/lib/errors';
import { isDraining } from './availability';

type Health = { status: 'ok'; database: DatabaseKind };

/** How long readiness waits for the database's answer. */
export const READINESS_TIMEOUT_MS = 800;

/** Liveness: the process answers. Asks nothing of the database, so it never waits on it. */
export function checkLiveness(): Health {
  return { status: 'ok', database: databaseKind() };
}

/**
 * Readiness: the instance is not draining and the database answers a real query within
 * READINESS_TIMEOUT_MS; throws `unavailable` otherwise. The query only reads, so leaving it
 * behind when the time is up changes nothing.
 */
export async function checkReadiness(): Promise<Health> {
  if (isDraining()) throw new AppError('unavailable', 'This instance is shutting down.');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([getDb().execute(sql`select 1`), late]);
  } catch (e) {
    console.error('[gatehouse] readiness check failed:', e instanceof Error ? e.message : e);
    throw new AppError('unavailable', 'The database is not answering.', { retryAfterSeconds: 5 });
  } finally {
    clearTimeout(timer);
  }
  return checkLiveness();
}
