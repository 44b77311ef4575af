// The one database handle. DATABASE_URL set → postgres.js against that server; unset → PGlite
// (real Postgres compiled to WASM, in-process) with its files under GATEHOUSE_DATA_DIR.
// Opened on first use, never at import, so `next build` and tooling never touch the data dir.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql as sqlText } from 'drizzle-orm';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;
export type DatabaseKind = 'embedded' | 'postgres';

type Handle =
  | { kind: 'postgres'; db: Db; adhoc: Db; client: postgres.Sql; adhocClient: postgres.Sql | null }
  | { kind: 'embedded'; db: Db; adhoc: Db; client: PGlite; dataDir: string | null; releaseLock: () => void };

/** Thrown when a second process tries to open an embedded data directory that is in use. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by another Gatehouse process (pid ${pid}). ` +
        'Stop that process first, or set DATABASE_URL to share a Postgres server between processes.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** Where Gatehouse keeps embedded data and generated keys (GATEHOUSE_DATA_DIR, default `.data`). */
export function dataDir(): string {
  const configured = process.env.GATEHOUSE_DATA_DIR || '.data';
  if (configured === 'memory://') return configured;
  return path.resolve(process.env.GATEHOUSE_ROOT || process.cwd(), configured);
}

export function databaseKind(): DatabaseKind {
  return process.env.DATABASE_URL ? 'postgres' : 'embedded';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An exclusive lock file: PGlite must never be opened by two processes at once. */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'gatehouse.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date() }), {
        flag: 'wx',
        mode: 0o600,
      });
      const release = () => {
        try {
          const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
          if (holder.pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number((JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: unknown }).pid) || 0;
      } catch {
        // unreadable or half-written lock: treat as stale
      }
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded data directory ${dir}.`);
}

/** Statements drizzle builds: DML and queries, of bounded size (so of a bounded number of shapes). */
const PREPARABLE = /^\s*\(?\s*(select|insert|update|delete|with)\b/i;
const PREPARE_MAX_CHARS = 16_384;
const PREPARE_MAX_PARAMETERS = 100;

export function isPreparable(text: string, parameters: readonly unknown[] = []): boolean {
  return text.length <= PREPARE_MAX_CHARS && parameters.length <= PREPARE_MAX_PARAMETERS && PREPARABLE.test(text);
}

/**
 * drizzle asks postgres.js for an unnamed statement unless a query is `.prepare()`d by name, and
 * an unnamed statement with parameters costs two round trips (Parse and Describe, then Bind and
 * Execute) and a fresh plan every time. A named one, cached per connection by postgres.js, costs
 * one round trip once it is known. This client lets postgres.js name the statements `name`
 * picks (by default isPreparable: bounded text, so the per-connection cache stays small;
 * connections are recycled after 30–60 minutes anyway) and no others, whatever drizzle asked,
 * inside transactions and savepoints too. GATEHOUSE_DB_PREPARE=false turns naming off everywhere,
 * for PgBouncer in transaction mode, which cannot keep a statement on a connection.
 */
type Naming = (text: string, parameters?: never[], options?: postgres.UnsafeQueryOptions) => boolean;

function preparing(client: postgres.Sql, name: Naming = isPreparable): postgres.Sql {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'unsafe') {
        return (text: string, parameters?: never[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(text, parameters, { ...options, prepare: name(text, parameters, options) });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          const open = Reflect.get(target, prop, target) as (...a: unknown[]) => unknown;
          return open.apply(target, [...args, (tx: postgres.Sql) => fn(preparing(tx, name))]);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The error code of a statement refused before it was sent: no connection free in time, or the database away. */
export const CONNECTION_WAIT_TIMEOUT = 'CONNECTION_WAIT_TIMEOUT';
/**
 * How long a statement or transaction may wait for one of the pool's connections while the
 * database answers (a busy pool). It waits only before anything is sent, so giving up leaves
 * nothing to commit later.
 */
const CONNECTION_WAIT_MS = 10_000;

/**
 * At most `size` statements and transactions at once are handed to postgres.js, one per
 * connection: postgres.js then never queues one behind a connection attempt or a busy connection,
 * where it could wait unbounded and run after its request has answered. The rest wait here, in
 * order, for at most CONNECTION_WAIT_MS; while the database is away (`availability`) none waits:
 * those waiting are refused as soon as one of this pool's statements finds it away, and a new one
 * runs only if a connection is free (so probes still get through). A refusal is
 * CONNECTION_WAIT_TIMEOUT, a 503. Each outcome tells `availability` whether the server answers.
 */
function gated(client: postgres.Sql, size: number): postgres.Sql {
  let free = size;
  const waiting = new Map<() => void, (e: Error) => void>();
  const refused = (message: string) => Object.assign(new Error(message), { code: CONNECTION_WAIT_TIMEOUT });
  const release = () => {
    const next = waiting.keys().next();
    if (next.done) free++;
    else {
      waiting.delete(next.value);
      next.value();
    }
  };
  const acquire = () => {
    if (free > 0) return (free--, Promise.resolve());
    if (availability.awaySince !== null) return Promise.reject(refused('The database is not answering.'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(grant);
        reject(refused('No database connection became free in time.'));
      }, CONNECTION_WAIT_MS);
      const grant = () => (clearTimeout(timer), resolve());
      waiting.set(grant, (e) => (clearTimeout(timer), reject(e)));
    });
  };
  async function run<T>(send: () => PromiseLike<T>): Promise<T> {
    await acquire();
    try {
      const result = await send();
      availability.succeeded();
      return result;
    } catch (e) {
      availability.failed(e);
      if (availability.awaySince !== null) {
        for (const reject of waiting.values()) reject(refused('The database is not answering.'));
        waiting.clear();
      }
      throw e;
    } finally {
      release();
    }
  }
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'unsafe') {
        // postgres.js sends a query when it is awaited; drizzle may first ask for `.values()`.
        return (text: string, parameters?: never[], options?: postgres.UnsafeQueryOptions) => {
          let values = false;
          let sent: Promise<unknown> | undefined;
          const send = () =>
            (sent ??= run(() => {
              const query = target.unsafe(text, parameters, options);
              return values ? query.values() : query;
            }));
          const pending = {
            values: () => ((values = true), pending),
            then: (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) => send().then(onFulfilled, onRejected),
            catch: (onRejected: (e: unknown) => unknown) => send().catch(onRejected),
            finally: (onFinally: () => void) => send().finally(onFinally),
          };
          return pending;
        };
      }
      if (prop === 'begin') return (...args: unknown[]) => run(() => (target.begin as (...a: unknown[]) => Promise<unknown>)(...args));
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Whether the database server answers, as the last statement to finish says: a lost connection
 * (isDatabaseUnavailable, but not a wait for a busy pool) marks it away, any success back. While
 * it is away a probe (`select 1`) runs every PROBE_INTERVAL_MS, so it is seen back even when
 * nothing else asks; scripts/server.mjs answers every request 503 at once meanwhile
 * (lib/system/availability.ts).
 */
const PROBE_INTERVAL_MS = 200;
/** Refused as 503 but no sign that the server is away: a busy pool, a statement Postgres ended. */
const NOT_AWAY = new Set([CONNECTION_WAIT_TIMEOUT, '57014', '25P03']);
type Availability = {
  awaySince: number | null;
  probe: NodeJS.Timeout | null;
  succeeded(): void;
  failed(e: unknown): void;
  runProbe(): Promise<void>;
  stop(): void;
};
// On globalThis, as the handle is: Next bundles this module more than once.
const availability: Availability = ((globalThis as { __gatehouseDbAvailability?: Availability }).__gatehouseDbAvailability ??= {
  awaySince: null,
  probe: null as NodeJS.Timeout | null,
  succeeded() {
    this.awaySince = null;
  },
  failed(e: unknown) {
    if (!isDatabaseUnavailable(e) || NOT_AWAY.has(String((e as { code?: unknown }).code))) return;
    this.awaySince ??= Date.now();
    this.probe ??= setTimeout(() => void this.runProbe(), PROBE_INTERVAL_MS).unref();
  },
  async runProbe() {
    const handle = g.__gatehouseDb;
    try {
      if (handle?.kind === 'postgres' && this.awaySince !== null) await handle.db.execute(sqlText`select 1`);
    } catch {
      // still away
    }
    this.probe = null;
    if (this.awaySince !== null && g.__gatehouseDb === handle && handle) {
      this.probe = setTimeout(() => void this.runProbe(), PROBE_INTERVAL_MS).unref();
    }
  },
  stop() {
    if (this.probe) clearTimeout(this.probe);
    this.probe = null;
    this.awaySince = null;
  },
});

/** Null while the database answers (always, embedded); otherwise since when (ms since the epoch) it has not. */
export function databaseAwaySince(): number | null {
  return availability.awaySince;
}

/** Postgres settings every session of ours starts with (milliseconds; 0 turns one off). */
function sessionTimeouts(): Record<string, string> {
  const seconds = (name: string, fallback: number) => {
    const n = Number(process.env[name] ?? fallback);
    return Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  const statement = seconds('GATEHOUSE_DB_STATEMENT_TIMEOUT', 30);
  if (statement === 0) return {};
  // A session idle inside a transaction (its process stalled or cut off) holds locks: end it too.
  return { statement_timeout: String(statement * 1000), idle_in_transaction_session_timeout: String(statement * 2000) };
}

let memoryTemplate: Blob | undefined;

/**
 * For tests: in-memory databases this process opens start from `dump` (PGlite's dumpDataDir of an
 * already migrated database) instead of empty, so each test file skips initdb and the migrations.
 */
export function startMemoryDatabasesFrom(dump: Blob): void {
  memoryTemplate = dump;
}

function open(): Handle {
  const url = process.env.DATABASE_URL;
  if (url) {
    const prepare = process.env.GATEHOUSE_DB_PREPARE !== 'false';
    const max = Number(process.env.GATEHOUSE_DB_POOL_MAX) || 10;
    const adhocMax = Math.ceil(max / 4);
    // Fail fast when the server is gone and see it back at once: a connection attempt gives up
    // after 2 s, and postgres.js waits at most 0.2 s between attempts (by default up to 20 s,
    // holding the statements queued for it); Postgres ends a statement past its timeout (0033).
    const options = {
      connect_timeout: 2,
      // No array-type lookup on each new connection: our statements return no Postgres arrays
      // (json_agg instead), and postgres.js runs that lookup from an event handler, so a
      // connection lost during it became an unhandled rejection, which ends a Node process.
      fetch_types: false,
      backoff: (retries: number) => Math.min(0.025 * 2 ** retries, 0.2),
      prepare,
      onnotice: () => {},
    };
    const connection = sessionTimeouts();
    const client = postgres(url, { ...options, max, connection });
    if (!prepare) {
      // Nothing is named, so every statement is planned with its values already.
      const db = drizzlePostgres(gated(client, max), { schema }) as unknown as Db;
      return { kind: 'postgres', db, adhoc: db, client, adhocClient: null };
    }
    // getAdhocDb's sessions plan every statement with its values, named or not; they name only the
    // statements `prepared()` builds (fixed text, so a known few), never one a caller shaped.
    const adhocClient = postgres(url, { ...options, max: adhocMax, connection: { ...connection, plan_cache_mode: 'force_custom_plan' } });
    const adhoc = drizzlePostgres(
      preparing(gated(adhocClient, adhocMax), (text, parameters, o) => o?.prepare === true && isPreparable(text, parameters)),
      { schema },
    ) as unknown as Db;
    return {
      kind: 'postgres',
      db: drizzlePostgres(preparing(gated(client, max)), { schema }) as unknown as Db,
      adhoc,
      client,
      adhocClient,
    };
  }
  const dir = dataDir();
  if (dir === 'memory://') {
    const client = new PGlite(memoryTemplate ? { loadDataDir: memoryTemplate } : {});
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return { kind: 'embedded', db, adhoc: db, client, dataDir: null, releaseLock: () => {} };
  }
  const releaseLock = lockDataDir(dir);
  try {
    const client = new PGlite(path.join(dir, 'pglite'));
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return { kind: 'embedded', db, adhoc: db, client, dataDir: dir, releaseLock };
  } catch (e) {
    releaseLock();
    throw e;
  }
}

// One handle per process: cached on globalThis so dev hot reload and separately bundled
// server chunks share it.
const g = globalThis as { __gatehouseDb?: Handle };

export function dbHandle(): Handle {
  return (g.__gatehouseDb ??= open());
}

export function getDb(): Db {
  return dbHandle().db;
}

/**
 * The same database, for statements whose plan must be made with their values and the table's
 * current size: SCIM's filters and lookups. A named statement keeps a generic plan made with the
 * table size of its sixth run; after a bulk import that plan can walk an organization's whole
 * index where one row matches (decision 0023). Its own few sessions (a quarter of
 * GATEHOUSE_DB_POOL_MAX, rounded up) run with plan_cache_mode = force_custom_plan. Statements a
 * caller shapes (a filter) stay unnamed, so none accumulates in a connection's cache; those
 * `prepared()` builds are named, which saves Parse and Describe's round trip and is still planned
 * every time.
 */
export function getAdhocDb(): Db {
  return dbHandle().adhoc;
}

const built = new WeakMap<object, Map<string, unknown>>();

/**
 * A statement drizzle builds once per handle (or transaction) and afterwards only executes:
 * `build` returns a `.prepare()`d query with `sql.placeholder()`s for its values. For the hottest
 * statements, where building costs more CPU than running them: drizzle's query builder takes
 * 0.4–0.8 ms to build SCIM's token check or userName lookup on the 2-core machine, more than
 * Postgres spends answering them. Built through getAdhocDb(), it is still planned with its values.
 */
export function prepared<Q>(db: DbOrTx, name: string, build: (db: DbOrTx) => Q): Q {
  let byName = built.get(db);
  if (!byName) built.set(db, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, build(db));
  return byName.get(name) as Q;
}

/** Closes the handle (CLI exit, tests). The next getDb() opens a new one. */
export async function closeDb(): Promise<void> {
  const handle = g.__gatehouseDb;
  if (!handle) return;
  g.__gatehouseDb = undefined;
  availability.stop();
  if (handle.kind === 'postgres') {
    await Promise.all([handle.client.end({ timeout: 5 }), handle.adhocClient?.end({ timeout: 5 })]);
  } else {
    await handle.client.close();
    handle.releaseLock();
  }
}

/**
 * Runs a statement and returns its rows, whichever driver is underneath (PGlite answers
 * `{ rows }`, postgres.js an array).
 */
export async function queryRows<T>(db: DbOrTx, query: Parameters<Db['execute']>[0]): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

const UNAVAILABLE_CODES = new Set([
  // Sockets: the server is down, restarting or unreachable.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  // postgres.js connection errors, and ours: no connection free in time.
  'CONNECT_TIMEOUT',
  CONNECTION_WAIT_TIMEOUT,
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // SQLSTATE class 08 (connection exception) and 57P0x (shutdown, crash, starting up).
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  // Ended by Postgres for taking too long (statement_timeout) or idling in a transaction: rolled back.
  '57014',
  '25P03',
]);

/** True when `e` (or what it wraps) says the database is unreachable, not that a query was wrong. */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let err = e as { code?: unknown; cause?: unknown; errors?: unknown } | undefined, i = 0; err && i < 5; i++) {
    if (typeof err.code === 'string' && UNAVAILABLE_CODES.has(err.code)) return true;
    // Node's AggregateError for a host with several addresses (IPv4 and IPv6) all refusing.
    if (Array.isArray(err.errors) && err.errors.some((x) => isDatabaseUnavailable(x))) return true;
    err = err.cause as typeof err;
  }
  return false;
}
