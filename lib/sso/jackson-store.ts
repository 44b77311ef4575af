// Jackson's DatabaseDriver on Gatehouse's database: its key-value records live in the `jackson`
// schema (created by our migration, never by TypeORM), so the embedded PGlite default and
// Postgres both work. Values arrive already encrypted by Jackson (AES-GCM with its key).
// Inside withJacksonTx() every call runs in the caller's transaction, so a connection change and
// its audit event commit or roll back together.
import { AsyncLocalStorage } from 'node:async_hooks';
import { and, asc, count, desc, eq, inArray, isNull, lt, or, gt, sql, type SQL } from 'drizzle-orm';
import type { DatabaseDriver, Encrypted, Index, Records, SortOrder } from '@boxyhq/saml-jackson';
import { getDb, type DbOrTx, type Tx } from '@/db';
import { jacksonIndex, jacksonStore } from '@/db/schema';

// On globalThis: Next bundles this module more than once (instrumentation, routes, actions), and
// the driver made at start-up must see the transaction a server action opens.
const shared = globalThis as unknown as { __gatehouseJacksonTx?: AsyncLocalStorage<Tx> };
const transactions = (shared.__gatehouseJacksonTx ??= new AsyncLocalStorage<Tx>());

/** Runs `fn` with Jackson's reads and writes inside `tx`. */
export function withJacksonTx<R>(tx: Tx, fn: () => Promise<R>): Promise<R> {
  return transactions.run(tx, fn);
}

function executor(): DbOrTx {
  return transactions.getStore() ?? getDb();
}

/** Runs a multi-statement write atomically: in the caller's transaction, or in one of its own. */
function write<R>(fn: (db: DbOrTx) => Promise<R>): Promise<R> {
  const tx = transactions.getStore();
  return tx ? fn(tx) : getDb().transaction((t) => fn(t));
}

const live = () => or(isNull(jacksonStore.expiresAt), gt(jacksonStore.expiresAt, sql`now()`));
const indexKey = (idx: Index) => `${idx.name}:${idx.value}`;

function encrypted(row: { value: string; iv: string | null; tag: string | null }): Encrypted {
  return row.iv && row.tag ? { value: row.value, iv: row.iv, tag: row.tag } : { value: row.value };
}

export class JacksonStoreDriver implements DatabaseDriver {
  constructor(private readonly pageLimit = 50) {}

  private page(pageOffset?: number, pageLimit?: number) {
    const offset = Number.isInteger(pageOffset) && pageOffset! > 0 ? pageOffset! : 0;
    const limit = Number.isInteger(pageLimit) && pageLimit! > 0 && pageLimit! <= this.pageLimit ? pageLimit! : this.pageLimit;
    return { offset, limit };
  }

  private async list(where: SQL | undefined, pageOffset?: number, pageLimit?: number, sortOrder?: SortOrder): Promise<Records> {
    const { offset, limit } = this.page(pageOffset, pageLimit);
    const order =
      sortOrder === 'ASC' ? [asc(jacksonStore.createdAt), asc(jacksonStore.key)] : [desc(jacksonStore.createdAt), desc(jacksonStore.key)];
    const rows = await executor()
      .select({ value: jacksonStore.value, iv: jacksonStore.iv, tag: jacksonStore.tag })
      .from(jacksonStore)
      .where(and(where, live()))
      .orderBy(...order)
      .limit(limit)
      .offset(offset);
    return { data: rows.map(encrypted) };
  }

  private indexed(namespace: string, idx: Index): SQL {
    return inArray(
      jacksonStore.key,
      executor()
        .select({ key: jacksonIndex.key })
        .from(jacksonIndex)
        .where(and(eq(jacksonIndex.namespace, namespace), eq(jacksonIndex.indexKey, indexKey(idx)))),
    );
  }

  async get(namespace: string, key: string): Promise<Encrypted | null> {
    const [row] = await executor()
      .select({ value: jacksonStore.value, iv: jacksonStore.iv, tag: jacksonStore.tag })
      .from(jacksonStore)
      .where(and(eq(jacksonStore.namespace, namespace), eq(jacksonStore.key, key), live()));
    return row ? encrypted(row) : null;
  }

  getAll(namespace: string, pageOffset?: number, pageLimit?: number, _pageToken?: string, sortOrder?: SortOrder): Promise<Records> {
    return this.list(eq(jacksonStore.namespace, namespace), pageOffset, pageLimit, sortOrder);
  }

  getByIndex(
    namespace: string,
    idx: Index,
    pageOffset?: number,
    pageLimit?: number,
    _pageToken?: string,
    sortOrder?: SortOrder,
  ): Promise<Records> {
    return this.list(and(eq(jacksonStore.namespace, namespace), this.indexed(namespace, idx)), pageOffset, pageLimit, sortOrder);
  }

  async getCount(namespace: string, idx?: Index): Promise<number> {
    const [row] = await executor()
      .select({ n: count() })
      .from(jacksonStore)
      .where(and(eq(jacksonStore.namespace, namespace), idx ? this.indexed(namespace, idx) : undefined, live()));
    return row?.n ?? 0;
  }

  /** `ttl` in seconds (0: kept until deleted). Writing an expiring record prunes expired ones. */
  async put(namespace: string, key: string, val: Encrypted, ttl: number, ...indexes: Index[]): Promise<void> {
    const expiresAt = ttl > 0 ? sql`now() + make_interval(secs => ${ttl})` : null;
    await write(async (db) => {
      if (ttl > 0) await db.delete(jacksonStore).where(lt(jacksonStore.expiresAt, sql`now()`));
      await db
        .insert(jacksonStore)
        .values({ namespace, key, value: val.value, iv: val.iv ?? null, tag: val.tag ?? null, expiresAt })
        .onConflictDoUpdate({
          target: [jacksonStore.namespace, jacksonStore.key],
          set: { value: val.value, iv: val.iv ?? null, tag: val.tag ?? null, modifiedAt: sql`now()`, expiresAt },
        });
      if (indexes.length > 0) {
        await db
          .insert(jacksonIndex)
          .values(indexes.map((idx) => ({ namespace, key, indexKey: indexKey(idx) })))
          .onConflictDoNothing();
      }
    });
  }

  async delete(namespace: string, key: string): Promise<void> {
    await executor()
      .delete(jacksonStore)
      .where(and(eq(jacksonStore.namespace, namespace), eq(jacksonStore.key, key)));
  }

  async deleteMany(namespace: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await executor()
      .delete(jacksonStore)
      .where(and(eq(jacksonStore.namespace, namespace), inArray(jacksonStore.key, keys)));
  }

  async close(): Promise<void> {}

  getStats(): Record<string, number> {
    return {};
  }
}
