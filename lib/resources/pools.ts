// One small postgres.js pool per resource and environment, rebuilt when the resolved connection
// settings change (a saved config, a rotated secret) and closed when its config is saved or deleted.
import { createHash } from 'node:crypto';
import postgres from 'postgres';

export type PgConnection = {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  ssl: false | 'prefer' | 'require' | 'verify-full';
};

type Entry = { fingerprint: string; sql: postgres.Sql };
const store = globalThis as unknown as { __gatehouseResourcePools?: Map<string, Entry> };
const pools = (store.__gatehouseResourcePools ??= new Map());

const key = (resourceId: string, environmentId: string) => `${resourceId}:${environmentId}`;

/** Seconds a query may run, and the pool's size: small, since every instance has its own. */
export const POOL_SETTINGS = { max: 3, connectTimeoutSeconds: 10, idleTimeoutSeconds: 60, statementTimeoutMs: 30_000 } as const;

/** The pool for this resource and environment with these settings (the previous one is closed if they changed). */
export function pgPool(resourceId: string, environmentId: string, conn: PgConnection): postgres.Sql {
  const fingerprint = createHash('sha256').update(JSON.stringify(conn)).digest('hex');
  const existing = pools.get(key(resourceId, environmentId));
  if (existing?.fingerprint === fingerprint) return existing.sql;
  if (existing) void existing.sql.end({ timeout: 5 }).catch(() => undefined);
  const sql = postgres({
    ...conn,
    max: POOL_SETTINGS.max,
    connect_timeout: POOL_SETTINGS.connectTimeoutSeconds,
    idle_timeout: POOL_SETTINGS.idleTimeoutSeconds,
    prepare: false,
    onnotice: () => undefined,
    connection: { application_name: 'gatehouse', statement_timeout: POOL_SETTINGS.statementTimeoutMs },
  });
  pools.set(key(resourceId, environmentId), { fingerprint, sql });
  return sql;
}

export function closePool(resourceId: string, environmentId: string): void {
  const existing = pools.get(key(resourceId, environmentId));
  if (!existing) return;
  pools.delete(key(resourceId, environmentId));
  void existing.sql.end({ timeout: 5 }).catch(() => undefined);
}

/** Closes every pool (tests, shutdown). */
export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.sql.end({ timeout: 5 }).catch(() => undefined)));
}

/** How many pools are open (tests). */
export function openPoolCount(): number {
  return pools.size;
}
