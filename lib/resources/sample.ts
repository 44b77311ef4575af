// The "Sample database": a small shop in the gatehouse_sample schema of Gatehouse's own database.
// Queries run through Gatehouse's handle in a transaction that switches to a role which can read
// that schema and nothing else, so it works on PGlite and Postgres alike without credentials.
import { sql } from 'drizzle-orm';
import { getDb, queryRows, type DbOrTx, type Tx } from '@/db';
import { AppError } from '@/lib/errors';

export const SAMPLE_SCHEMA = 'gatehouse_sample';
export const SAMPLE_ROLE = 'gatehouse_sample_reader';

const DONE = Symbol('sample transaction done');

/**
 * Runs `fn` as the sample reader, read-only, with the sample schema first on the search path, in
 * a transaction (a savepoint inside `db` when that is one) that is always rolled back, so the
 * role and settings never outlive it.
 */
export async function withSampleDatabase<R>(fn: (tx: Tx) => Promise<R>, statementTimeoutMs = 30_000, db: DbOrTx = getDb()): Promise<R> {
  let result: R | undefined;
  try {
    await db.transaction(async (tx) => {
      result = await asSampleReader(fn, statementTimeoutMs, tx);
      throw DONE;
    });
  } catch (e) {
    if (e !== DONE) throw e;
  }
  return result as R;
}

async function asSampleReader<R>(fn: (tx: Tx) => Promise<R>, statementTimeoutMs: number, tx: Tx): Promise<R> {
  {
    const [role] = await queryRows<{ ok: boolean }>(
      tx,
      sql`select pg_has_role(current_user, ${SAMPLE_ROLE}, 'member') as ok from pg_roles where rolname = ${SAMPLE_ROLE}`,
    );
    if (!role?.ok)
      throw new AppError(
        'unavailable',
        `The sample database needs the role ${SAMPLE_ROLE}, which Gatehouse's database user could not create or join.`,
      );
    await tx.execute(sql.raw(`set local role ${SAMPLE_ROLE}`));
    await tx.execute(sql.raw(`set local search_path to ${SAMPLE_SCHEMA}`));
    await tx.execute(sql.raw(`set local statement_timeout = ${Math.floor(statementTimeoutMs)}`));
    await tx.execute(sql.raw('set transaction read only'));
    return fn(tx);
  }
}
