// npm run bench:query [-- --json] [--runs N]
// What a Gatehouse query run adds over calling the database directly. On fresh Postgres databases
// (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server) — one for Gatehouse, one as
// the Postgres resource with 10,000 rows — it times, interleaved, --runs times (default 300, after
// 20 warm-ups):
//   direct:    the same parameterized statement on a postgres.js pool of the same settings;
//   gatehouse: runAppQuery() as a viewer, what POST /api/apps/:id/queries/:name/run calls
//              (authorize, load the release, compile, run on the resource's pool, QUERY_RUN audit).
// Prints p50/p95 of both and the overhead; --json prints one JSON line with overheadP50Ms.
// Both databases are dropped afterwards.
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { closeDb } from '@/db';
import { migrate } from '@/db/migrate';
import { createTestDatabase, dropTestDatabase, testSecrets } from '../scripts/test-db.mjs';
import { args, countFlag } from './args';

const json = args.includes('--json');
const RUNS = countFlag('--runs', 300);
const WARMUPS = 20;
const ROWS = 10_000;
const TARGET_MS = 3;
const SQL_TEXT = 'select id, owner, amount from items where owner = $1 order by id limit 20';

const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const gatehouseDb = await createTestDatabase(serverUrl, 'benchq');
  const resourceDb = await createTestDatabase(serverUrl, 'benchqres');
  Object.assign(process.env, testSecrets(), { DATABASE_URL: gatehouseDb.url });
  const direct = postgres(resourceDb.url, { max: 3, prepare: false, onnotice: () => undefined, connection: { statement_timeout: 30_000 } });
  try {
    await migrate();
    await direct.unsafe(
      `create table items (id int primary key, owner text not null, amount numeric(10,2) not null);
       insert into items select i, 'user' || (i % 500) || '@bench.test', i * 1.5 from generate_series(1, ${ROWS}) i;
       create index on items (owner); analyze items;`,
    );
    // Imported after DATABASE_URL is set: the lib opens the database on first use.
    const { runMutation } = await import('@/lib/server/mutation');
    const { asUser, makeOrg, makeUser } = await import('@/lib/test/helpers');
    const { createObject } = await import('@/lib/objects/writes');
    const { saveResourceConfig } = await import('@/lib/resources/configs');
    const { saveResourceConfigInput } = await import('@/lib/resources/inputs');
    const { listEnvironments } = await import('@/lib/environments/reads');
    const { addUsersToGroup, createGroup, setGrant } = await import('@/lib/groups/writes');
    const { releaseApp, saveAppDraft } = await import('@/lib/apps/writes');
    const { runAppQuery } = await import('@/lib/apps/run-query');
    const { closeAllPools } = await import('@/lib/resources/pools');

    const org = await makeOrg('bench');
    const admin = asUser(org.orgId, org.adminId);
    const production = (await listEnvironments(org.orgId)).find((e) => e.isDefault)!;
    const resource = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'Bench PG', folderId: null }));
    await runMutation(admin, (ctx) =>
      saveResourceConfig(
        ctx,
        saveResourceConfigInput.parse({
          type: 'postgres',
          objectId: resource.id,
          environmentId: production.id,
          mode: 'connection_string',
          connectionString: resourceDb.url,
          sslMode: 'disable',
        }),
      ),
    );
    const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Bench app', folderId: null }));
    const definition = {
      pages: [{ name: 'main', components: [{ type: 'table', name: 'list', query: 'mine' }] }],
      queries: [{ type: 'sql', name: 'mine', resourceId: resource.id, sql: SQL_TEXT.replace('$1', '{{ current_user.email }}') }],
    };
    await runMutation(admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition }));
    await runMutation(admin, (ctx) => releaseApp(ctx, { appId: app.id }));
    const viewers = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
    const viewerUser = await makeUser(org.orgId, { label: 'viewer' });
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [viewerUser.id] }));
    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'use' }),
    );
    const viewer = asUser(org.orgId, viewerUser.id);

    const directMs: number[] = [];
    const gatehouseMs: number[] = [];
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      const a = performance.now();
      await direct.unsafe(SQL_TEXT, [viewerUser.email]);
      const b = performance.now();
      const r = await runAppQuery(viewer, app.id, 'mine', {});
      const c = performance.now();
      if (!r.ok) throw new Error(`The benchmark query failed: ${r.error}`);
      if (i < WARMUPS) continue;
      directMs.push(b - a);
      gatehouseMs.push(c - b);
    }
    await closeAllPools();
    const result = {
      benchmark: 'query',
      database: 'postgres',
      runs: RUNS,
      directP50Ms: percentile(directMs, 50),
      directP95Ms: percentile(directMs, 95),
      gatehouseP50Ms: percentile(gatehouseMs, 50),
      gatehouseP95Ms: percentile(gatehouseMs, 95),
      overheadP50Ms: Number((percentile(gatehouseMs, 50) - percentile(directMs, 50)).toFixed(3)),
      overheadP95Ms: Number((percentile(gatehouseMs, 95) - percentile(directMs, 95)).toFixed(3)),
      targetP50Ms: TARGET_MS,
    };
    if (json) console.log(JSON.stringify(result));
    else {
      log(`direct     p50 ${result.directP50Ms} ms   p95 ${result.directP95Ms} ms`);
      log(`gatehouse  p50 ${result.gatehouseP50Ms} ms   p95 ${result.gatehouseP95Ms} ms`);
      log(`overhead   p50 ${result.overheadP50Ms} ms   p95 ${result.overheadP95Ms} ms (target p50 < ${TARGET_MS} ms)`);
    }
  } finally {
    await direct.end({ timeout: 5 });
    await closeDb();
    await dropTestDatabase(serverUrl, resourceDb.name);
    await dropTestDatabase(serverUrl, gatehouseDb.name);
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
