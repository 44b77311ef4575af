// npm run bench:audit [-- --events N | --big] [--runs N] [--ddl "create index …"]… [--explain-all] [--keep] [--json]
// Seeds --events audit events (default 1,000,000; --big 10,000,000) across 20 organizations of
// uneven size (the biggest holds 30 %) with set-based SQL, on a fresh Postgres database
// (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server), then times the audit
// viewer's reads on the biggest and the smallest organization for nine filters:
//   listAuditEvents first page, and page 21 (events 1,001–1,050) reached by following the cursor;
//   the same statements hand-written in SQL through postgres.js (the floor), and the ratio;
//   auditEventCounts (the chart the viewer loads with the first page).
// p50/p95 over --runs runs (default 30, after 2 warm-ups). Prints a table, EXPLAIN (ANALYZE,
// BUFFERS) of the library's SQL for every first page or chart whose p95 is over 50 ms (deep pages
// too with --explain-all), and one JSON line. --ddl applies extra DDL after seeding, to try an
// index or statistics object before proposing it. The database is dropped afterwards (--keep
// leaves it for psql), and on SIGINT/SIGTERM.
//
// npm run bench:audit -- --instances 1,2 [--orgs N] [--clients N] [--writes N] [--reads N] [--json]
// measures something else, the part several instances share: audited writes over HTTP through the
// public API, from many clients spread over several organizations and then all in one, with the
// chain verified and every acknowledged write's event found afterwards (bench/audit-writes.ts).
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { createTestDatabase, dropTestDatabase } from '../scripts/test-db.mjs';
import { args, countFlag } from './args';
import { runAuditWrites } from './audit-writes';

const json = args.includes('--json');
const explainAll = args.includes('--explain-all');
const keep = args.includes('--keep');
const EVENTS = args.includes('--big') ? 10_000_000 : countFlag('--events', 1_000_000);
const RUNS = countFlag('--runs', 30);
const EXTRA_DDL = args.flatMap((a, i) => (a === '--ddl' && args[i + 1] ? [args[i + 1]!] : []));
const WARMUPS = 2;
const ORGS = 20;
const USERS_PER_ORG = 2_000;
const IPS = 300;
const PAGE = 50;
const DEEP_PAGE = 21;
const BUDGET_MS = 50;
const CHUNK = 250_000;
const DAY = 86_400_000;

const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
};
const pad = (v: unknown, n: number) => String(v).padStart(n);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

// ---------------------------------------------------------------------------------------------
// The data

/** Most frequent first; weights fall off as 1/rank^1.2, except LOGIN_FAILED, which is fixed. */
const ACTIONS_BY_RANK = [
  'LOGIN',
  'LOGOUT',
  'UPDATE_USER',
  'RENAME_APP',
  'CREATE_APP',
  'ADD_USERS_TO_GROUP',
  'GRANT_PERMISSION',
  'SET_WORKSPACE',
  'DOWNLOAD_AUDIT_LOGS',
  'REVOKE_SESSION',
  'INVITE_USER',
  'REDEEM_INVITE',
  'CREATE_USER',
  'CREATE_RESOURCE',
  'RENAME_RESOURCE',
  'CREATE_WORKFLOW',
  'RENAME_WORKFLOW',
  'REVOKE_PERMISSION',
  'REMOVE_USERS_FROM_GROUP',
  'MOVE_TO_FOLDER',
  'CREATE_FOLDER',
  'UPDATE_GROUP',
  'DELETE_APP',
  'DISABLE_USER',
  'ENABLE_USER',
  'CREATE_GROUP',
  'ACCESS_TOKEN_CREATED',
  'ACCESS_TOKEN_REVOKED',
  'DELETE_RESOURCE',
  'DELETE_WORKFLOW',
  'RENAME_FOLDER',
  'SET_GROUP_ADMIN',
  'REVOKE_INVITE',
  'DELETE_USER',
  'DELETE_GROUP',
  'DELETE_FOLDER',
  'SCIM_TOKEN_ROTATED',
  'AUDIT_SINK_TESTED',
  'AUDIT_RETENTION_UPDATED',
];
const LOGIN_FAILED_SHARE = 0.012;
/** Share of the other events carrying metadata.status >= 400; with LOGIN_FAILED about 2 % are errors. */
const STATUS_ERROR_SHARE = 0.008;
const GROUP_NAMES = [
  'Engineering',
  'Finance',
  'Payments Ops',
  'Support',
  'Sales',
  'Marketing',
  'Legal',
  'Security',
  'Data',
  'Design',
].flatMap((d) => ['', ' EMEA', ' APAC', ' Admins'].map((s) => `${d}${s}`));
const TEXT_QUERY = 'payments';

/** Cumulative lower bounds for width_bucket(): [0, w1, w1+w2, …], weights normalised. */
function thresholds(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => {
    const lo = acc;
    acc += w / total;
    return lo;
  });
}

// 30 % for the first organization; the other 70 % fall off as 1/k over the next 19.
const TAIL = Array.from({ length: ORGS - 1 }, (_, i) => 1 / (i + 2));
const ORG_WEIGHTS = [0.3, ...TAIL.map((w) => (0.7 * w) / TAIL.reduce((a, b) => a + b, 0))];
const ACTION_WEIGHTS = [...ACTIONS_BY_RANK.map((_, i) => 1 / (i + 1) ** 1.2), 0];
const actionList = [...ACTIONS_BY_RANK, 'LOGIN_FAILED'];
{
  const rest = ACTION_WEIGHTS.reduce((a, b) => a + b, 0);
  ACTION_WEIGHTS[ACTION_WEIGHTS.length - 1] = (rest * LOGIN_FAILED_SHARE) / (1 - LOGIN_FAILED_SHARE);
}
const arrayLiteral = (xs: (string | number)[]) => `{${xs.join(',')}}`;

/** A deterministic uniform [0, 1) for row g, one stream per k: seeded hashes, no random(). */
const u = (k: number) => `((hashint8extended(g, ${k}) & 2147483647)::float8 / 2147483648.0)`;

/**
 * Events lo..hi of n, oldest first, so ids follow created_at as they do in production. Each
 * event's organization, user, action, IP and metadata come from hashes of its number.
 */
function seedStatement(raw: postgres.Sql, lo: number, hi: number, n: number, orgIds: string[], startMs: number, spanMs: number) {
  return raw.unsafe(
    `insert into audit_events (organization_id, user_id, "user", action_type, ip_address, geo_location, response_time_ms,
       page_name, query_name, resource_name, metadata, request_id, created_at)
     select org_id,
       case when anon then null else md5(o || ':' || k)::uuid end,
       case when anon then null else jsonb_build_object('id', md5(o || ':' || k)::uuid, 'email', 'user' || k || '@org' || o || '.example.com',
         'firstName', 'User' || k, 'lastName', 'Org' || o) end,
       action,
       case when ip_idx < 0 then null else '198.51.' || (ip_idx / 200) || '.' || (ip_idx % 200 + 1) end,
       case when ip_idx < 0 then null else jsonb_build_object('country', (array['US','DE','GB','IN','BR','JP'])[1 + ip_idx % 6],
         'city', 'City ' || (ip_idx % 40)) end,
       case when has_page then 20 + floor(${u(12)} * 900)::int end,
       case when has_page then 'App ' || floor(${u(13)} * 200)::int end,
       case when has_page and ${u(14)} < 0.6 then 'query' || floor(${u(15)} * 500)::int end,
       case when has_page and ${u(16)} < 0.5 then 'Resource ' || floor(${u(17)} * 30)::int end,
       jsonb_strip_nulls(jsonb_build_object(
         'groupName', case when ${u(6)} < 0.25 then ($4::text[])[1 + floor(${u(7)} * $5)::int] end,
         'email', case when ${u(8)} < 0.4 then 'user' || floor(${u(9)} * ${USERS_PER_ORG})::int || '@org' || o || '.example.com' end,
         'appName', case when ${u(10)} < 0.15 then 'App ' || floor(${u(11)} * 200)::int end,
         'sessionId', case when action in ('LOGIN', 'LOGOUT') then md5(g::text || 's')::uuid end,
         'method', case when action in ('LOGIN', 'LOGIN_FAILED') then 'password' end,
         'reason', case when action = 'LOGIN_FAILED' then (array['wrong_password','unknown_user','rate_limited'])[1 + floor(${u(18)} * 3)::int] end,
         'status', case when action = 'LOGIN_FAILED' then null
                        when ${u(19)} < ${STATUS_ERROR_SHARE} then (array[401,403,404,500])[1 + floor(${u(20)} * 4)::int]
                        when ${u(19)} < 0.3 then 200 end)),
       'req_' || substr(md5(g::text), 1, 24),
       'epoch'::timestamptz + ($6::bigint + floor((g - 1 + ${u(0)}) * $7::float8 / $8::float8)::bigint) * interval '1 millisecond'
     from (
       select g, o, ($1::uuid[])[o] as org_id, floor(${USERS_PER_ORG} * ${u(2)} ^ 2)::int as k, ${u(3)} < 0.03 as anon,
         ($2::text[])[width_bucket(${u(4)}, $3::float8[])] as action,
         case when ${u(5)} < 0.05 then -1 else floor(${IPS} * ${u(21)} ^ 1.5)::int end as ip_idx,
         ${u(22)} < 0.2 as has_page
       from (select g, width_bucket(${u(1)}, $9::float8[]) as o from generate_series($10::bigint, $11::bigint) g) s
     ) e`,
    [
      arrayLiteral(orgIds),
      arrayLiteral(actionList),
      arrayLiteral(thresholds(ACTION_WEIGHTS)),
      arrayLiteral(GROUP_NAMES.map((g) => `"${g}"`)),
      GROUP_NAMES.length,
      startMs,
      spanMs,
      n,
      arrayLiteral(thresholds(ORG_WEIGHTS)),
      lo,
      hi,
    ],
  );
}

async function seed(raw: postgres.Sql) {
  const orgIds = Array.from({ length: ORGS }, () => crypto.randomUUID());
  await raw`insert into organizations ${raw(orgIds.map((id, i) => ({ id, name: `Org ${i + 1}`, slug: `org-${i + 1}` })))}`;
  const endMs = Date.now();
  const spanMs = 365 * DAY;
  // The year's monthly partitions, made as the server's hourly job makes the coming ones.
  await raw`select audit_events_ensure_partitions(${new Date(endMs - spanMs).toISOString()}::timestamptz, 14)`;
  for (let lo = 1; lo <= EVENTS; lo += CHUNK) {
    const hi = Math.min(EVENTS, lo + CHUNK - 1);
    await seedStatement(raw, lo, hi, EVENTS, orgIds, endMs - spanMs, spanMs);
    if (!json && EVENTS > CHUNK && process.stdout.isTTY)
      process.stdout.write(`\r  seeded ${hi.toLocaleString('en-US')} / ${EVENTS.toLocaleString('en-US')}`);
  }
  if (!json && EVENTS > CHUNK && process.stdout.isTTY) process.stdout.write('\n');
  for (const ddl of EXTRA_DDL) await raw.unsafe(ddl);
  // VACUUM as well as ANALYZE: sets hint bits and the visibility map now, so neither the first
  // reads nor an autovacuum run during the measurements pay for the bulk insert.
  await raw`vacuum (analyze) audit_events`;
  await raw`analyze`;
  const sizes = await raw<{ organization_id: string; n: number }[]>`
    select organization_id, count(*)::int as n from audit_events group by 1 order by 2 desc`;
  return { orgIds, sizes };
}

// ---------------------------------------------------------------------------------------------
// The filters

type Filter = import('@/lib/audit/filter').AuditFilter;
type Cursor = import('@/lib/audit/filter').AuditCursor;
type Scenario = { key: string; label: string; filter: Filter };

async function scenariosFor(raw: postgres.Sql, orgId: string, now: Date): Promise<Scenario[]> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  // Values a person would filter by: the 101st most active user, the 20th most used address,
  // and the request of an event from six months ago.
  const [user] = await raw<{ v: string }[]>`select user_id as v from audit_events where organization_id = ${orgId} and user_id is not null
    group by 1 order by count(*) desc, 1 offset 100 limit 1`;
  const [ip] = await raw<
    { v: string }[]
  >`select ip_address as v from audit_events where organization_id = ${orgId} and ip_address is not null
    group by 1 order by count(*) desc, 1 offset 19 limit 1`;
  const [request] = await raw<{ v: string }[]>`select request_id as v from audit_events where organization_id = ${orgId}
    and created_at < ${ago(182)} order by created_at desc limit 1`;
  return [
    { key: 'none', label: 'none (all events)', filter: {} },
    { key: 'last24h', label: 'last 24h', filter: { from: ago(1) } },
    { key: 'action', label: 'action GRANT_PERMISSION', filter: { actionTypes: ['GRANT_PERMISSION'] } },
    {
      key: 'actions3_30d',
      label: '3 actions + 30d',
      filter: { actionTypes: ['DISABLE_USER', 'ENABLE_USER', 'DELETE_USER'], from: ago(30) },
    },
    { key: 'user', label: 'one user (id)', filter: { userId: user!.v } },
    { key: 'ip', label: 'IP address', filter: { ip: ip!.v } },
    { key: 'errors_7d', label: 'errors only + 7d', filter: { errorsOnly: true, from: ago(7) } },
    { key: 'text_30d', label: `text "${TEXT_QUERY}" + 30d`, filter: { text: TEXT_QUERY, from: ago(30) } },
    { key: 'request', label: 'request id', filter: { requestId: request!.v } },
  ];
}

/** listAuditEvents' WHERE written by hand (the floor's), values as parameters. */
function rawWhere(raw: postgres.Sql, orgId: string, f: Filter, containsPattern: (q: string) => string, after?: Cursor) {
  const and = (cond: boolean, frag: () => postgres.PendingQuery<postgres.Row[]>) => (cond ? frag() : raw``);
  return raw`organization_id = ${orgId}
    ${and(!!f.actionTypes?.length, () => raw`and action_type = any(${arrayLiteral(f.actionTypes ?? [])}::text[])`)}
    ${and(!!f.userId, () => raw`and user_id = ${f.userId!}`)}
    ${and(!!f.from, () => raw`and created_at >= ${f.from!.toISOString()}::timestamptz`)}
    ${and(!!f.requestId, () => raw`and request_id = ${f.requestId!}`)}
    ${and(
      !!f.errorsOnly,
      () => raw`and (right(action_type, 7) = '_FAILED'
      or case when metadata->>'status' ~ '^[0-9]{1,4}$' then (metadata->>'status')::int >= 400 else false end
      or metadata ? 'error')`,
    )}
    ${and(!!f.ip, () => raw`and ip_address = ${f.ip!}`)}
    ${and(!!f.text, () => raw`and metadata::text ilike ${containsPattern(f.text!)}`)}
    ${and(!!after, () => raw`and (created_at, id) < (${after?.createdAt.toISOString() ?? ''}::timestamptz, ${after?.id ?? ''}::bigint)`)}`;
}

/** The floor: the same page as listAuditEvents, hand-written, through postgres.js. */
function rawPage(raw: postgres.Sql, orgId: string, f: Filter, containsPattern: (q: string) => string, after?: Cursor) {
  return raw`select * from audit_events where ${rawWhere(raw, orgId, f, containsPattern, after)}
    order by created_at desc, id desc limit ${PAGE + 1}`;
}

// ---------------------------------------------------------------------------------------------
// Measuring

type Stat = { p50: number; p95: number };
type Row = {
  org: 'big' | 'small';
  orgEvents: number;
  scenario: Scenario;
  matches: number;
  first: Stat;
  firstRaw: Stat;
  deepPage: number | null;
  deep: Stat | null;
  deepRaw: Stat | null;
  chart: Stat;
  mismatches: string[];
};
const stat = (xs: number[]): Stat => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });

async function timed<T>(into: number[] | null, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  into?.push(performance.now() - t);
  return out;
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createTestDatabase(serverUrl, 'bench_audit');
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= dropTestDatabase(serverUrl, database.name));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: dropping ${database.name}…`);
      void drop().finally(() => process.exit(130));
    });
  }
  // The app reads DATABASE_URL on first use: set it before importing any of it.
  process.env.DATABASE_URL = database.url;
  const { closeDb } = await import('@/db');
  const schema = await import('@/db/schema');
  const { migrate } = await import('@/db/migrate');
  const { auditActionTypes } = await import('@/lib/audit/events');
  const { listAuditEvents, auditEventCounts } = await import('@/lib/audit/reads');
  const { containsPattern } = await import('@/lib/search');
  type Db = import('@/db').Db;
  // Unnamed statements, as drizzle sends them (it names only .prepare()d queries): a named
  // statement switches to a generic plan after five runs, and the floor would then measure a
  // different plan, not less overhead.
  const raw = postgres(database.url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    const unknown = actionList.filter((a) => !(auditActionTypes as readonly string[]).includes(a));
    if (unknown.length) throw new Error(`Not in auditActionTypes: ${unknown.join(', ')}`);
    await migrate();
    const [server] = await raw<{ version: string; shared_buffers: string; work_mem: string; jit: string }[]>`
      select current_setting('server_version') as version, current_setting('shared_buffers') as shared_buffers,
        current_setting('work_mem') as work_mem, current_setting('jit') as jit`;
    const t0 = performance.now();
    log(
      `Seeding ${EVENTS.toLocaleString('en-US')} audit events across ${ORGS} organizations on ${database.name} (Postgres ${server!.version}, shared_buffers ${server!.shared_buffers}, work_mem ${server!.work_mem}, jit ${server!.jit})…`,
    );
    const { sizes } = await seed(raw);
    const seedSeconds = round((performance.now() - t0) / 1000);
    const [size] = await raw<{ table: string; total: string }[]>`select pg_size_pretty(sum(pg_table_size(relid))) as table,
      pg_size_pretty(sum(pg_indexes_size(relid))) as total from pg_partition_tree('audit_events')`;
    const big = sizes[0]!;
    const small = sizes.at(-1)!;
    log(
      `Seeded in ${seedSeconds} s (set-based insert … select from generate_series, then VACUUM ANALYZE): table ${size!.table}, indexes ${size!.total}.`,
    );
    log(`Organizations: ${sizes.map((s) => s.n).join(', ')} events; measuring the biggest (${big.n}) and the smallest (${small.n}).`);
    log(`Seeded rows have seq/prev_hash/hash NULL: they are outside the hash chain, which this benchmark does not exercise.`);
    if (EXTRA_DDL.length) log(`Extra DDL applied after seeding (not in the schema): ${EXTRA_DDL.join('; ')}`);

    const now = new Date();
    const explainTargets: { title: string; run: (db: Db) => Promise<unknown> }[] = [];
    const rows: Row[] = [];
    for (const [org, o] of [
      ['big', big],
      ['small', small],
    ] as const) {
      for (const scenario of await scenariosFor(raw, o.organization_id, now)) {
        const f = scenario.filter;
        const [{ matches }] = (await raw`select count(*)::int as matches from audit_events
          where ${rawWhere(raw, o.organization_id, f, containsPattern)}`) as unknown as [{ matches: number }];
        // Page 21 by following the cursor (or the last page when there are fewer).
        let cursor: Cursor | null = null;
        let deepPage: number | null = null;
        let page = await listAuditEvents(o.organization_id, f, { limit: PAGE });
        for (let p = 2; p <= DEEP_PAGE && page.next; p++) {
          cursor = page.next;
          deepPage = p;
          page = await listAuditEvents(o.organization_id, f, { limit: PAGE, after: cursor });
        }
        const deepCursor = cursor;
        const ms = {
          first: [] as number[],
          firstRaw: [] as number[],
          deep: [] as number[],
          deepRaw: [] as number[],
          chart: [] as number[],
        };
        const mismatches = new Set<string>();
        for (let i = 0; i < WARMUPS + RUNS; i++) {
          const measured = i >= WARMUPS;
          const a = await timed(measured ? ms.first : null, () => listAuditEvents(o.organization_id, f, { limit: PAGE }));
          const b = await timed(measured ? ms.firstRaw : null, () => rawPage(raw, o.organization_id, f, containsPattern));
          if (
            a.events.map((e) => e.id).join() !==
            b
              .slice(0, PAGE)
              .map((r) => String(r.id))
              .join()
          )
            mismatches.add('first page');
          if (deepCursor) {
            const c = await timed(measured ? ms.deep : null, () =>
              listAuditEvents(o.organization_id, f, { limit: PAGE, after: deepCursor }),
            );
            const d = await timed(measured ? ms.deepRaw : null, () => rawPage(raw, o.organization_id, f, containsPattern, deepCursor));
            if (
              c.events.map((e) => e.id).join() !==
              d
                .slice(0, PAGE)
                .map((r) => String(r.id))
                .join()
            )
              mismatches.add('deep page');
          }
          await timed(measured ? ms.chart : null, () => auditEventCounts(o.organization_id, f));
        }
        const row: Row = {
          org,
          orgEvents: o.n,
          scenario,
          matches,
          first: stat(ms.first),
          firstRaw: stat(ms.firstRaw),
          deepPage,
          deep: deepCursor ? stat(ms.deep) : null,
          deepRaw: deepCursor ? stat(ms.deepRaw) : null,
          chart: stat(ms.chart),
          mismatches: [...mismatches],
        };
        rows.push(row);
        const where = `${org} org, ${scenario.label}`;
        if (row.first.p95 > BUDGET_MS)
          explainTargets.push({
            title: `first page — ${where} (p95 ${row.first.p95} ms)`,
            run: (db) => listAuditEvents(o.organization_id, f, { limit: PAGE }, db),
          });
        if (explainAll && deepCursor && row.deep!.p95 > BUDGET_MS) {
          explainTargets.push({
            title: `page ${deepPage} — ${where} (p95 ${row.deep!.p95} ms)`,
            run: (db) => listAuditEvents(o.organization_id, f, { limit: PAGE, after: deepCursor }, db),
          });
        }
        if (row.chart.p95 > BUDGET_MS)
          explainTargets.push({
            title: `chart — ${where} (p95 ${row.chart.p95} ms)`,
            run: (db) => auditEventCounts(o.organization_id, f, {}, db),
          });
        if (!json && process.stdout.isTTY) process.stdout.write(`\r  measured ${rows.length} / 18`);
      }
    }
    if (!json && process.stdout.isTTY) process.stdout.write('\n');
    printTable(rows);

    // The library's own SQL and parameters, captured through a logging drizzle handle, explained.
    if (explainTargets.length)
      log(
        `\nEXPLAIN (ANALYZE, BUFFERS) of the library's SQL, for every first page or chart over ${BUDGET_MS} ms at p95${explainAll ? ' and every deep page over it' : ''}:`,
      );
    for (const target of explainTargets) {
      const captured: { query: string; params: unknown[] }[] = [];
      const logging = drizzle(raw, {
        schema,
        logger: { logQuery: (query, params) => void captured.push({ query, params }) },
      }) as unknown as Db;
      await target.run(logging);
      for (const q of captured) {
        const plan = await raw.unsafe(`explain (analyze, buffers) ${q.query}`, q.params as never[]);
        log(
          `\n-- ${target.title}${captured.length > 1 ? ` [${captured.indexOf(q) + 1}/${captured.length}]` : ''}\n-- ${q.query.replace(/\s+/g, ' ')}\n-- params ${JSON.stringify(q.params)}`,
        );
        for (const line of plan) log(`   ${String(line['QUERY PLAN'])}`);
      }
    }

    const firstOk = rows.filter((r) => r.first.p95 < BUDGET_MS).length;
    const ratioOk = rows.filter((r) => r.first.p95 <= 2 * r.firstRaw.p95).length;
    log(
      `\nTarget (first page p95 < ${BUDGET_MS} ms and within 2× of raw SQL): ${firstOk}/${rows.length} under ${BUDGET_MS} ms, ${ratioOk}/${rows.length} within 2×.`,
    );
    for (const r of rows)
      for (const m of r.mismatches) log(`  WARNING ${r.org} org, ${r.scenario.label}: library and raw SQL returned different ${m}s.`);
    console.log(
      JSON.stringify({
        benchmark: 'audit',
        database: 'postgres',
        postgres: server!.version,
        events: EVENTS,
        organizations: ORGS,
        organizationEvents: sizes.map((s) => s.n),
        runs: RUNS,
        pageSize: PAGE,
        deepPage: DEEP_PAGE,
        seedSeconds,
        extraDdl: EXTRA_DDL,
        hashChain: 'seeded rows have seq/prev_hash/hash NULL (outside the chain)',
        firstPageUnderBudget: `${firstOk}/${rows.length}`,
        firstPageWithin2xRaw: `${ratioOk}/${rows.length}`,
        results: rows.map((r) => ({
          org: r.org,
          orgEvents: r.orgEvents,
          filter: r.scenario.key,
          matches: r.matches,
          firstP50Ms: r.first.p50,
          firstP95Ms: r.first.p95,
          firstRawP50Ms: r.firstRaw.p50,
          firstRawP95Ms: r.firstRaw.p95,
          deepPage: r.deepPage,
          deepP50Ms: r.deep?.p50 ?? null,
          deepP95Ms: r.deep?.p95 ?? null,
          deepRawP50Ms: r.deepRaw?.p50 ?? null,
          deepRawP95Ms: r.deepRaw?.p95 ?? null,
          chartP50Ms: r.chart.p50,
          chartP95Ms: r.chart.p95,
          mismatches: r.mismatches,
        })),
      }),
    );
  } finally {
    await raw.end({ timeout: 5 });
    await closeDb();
    if (keep) log(`Kept ${database.name} (--keep); drop it with: psql ${serverUrl} -c 'drop database "${database.name}" with (force)'`);
    else await drop();
  }
}

function printTable(rows: Row[]) {
  const ratio = (a: number, b: number) => `${round(a / b, 2)}×`;
  log(
    `\nms; p50/p95 over ${RUNS} runs; raw = the same SQL by hand through postgres.js; × = library p95 / raw p95; deep = page ${DEEP_PAGE} by cursor (or the last page)`,
  );
  log(
    `${'org'.padEnd(6)}${'filter'.padEnd(26)}${pad('matches', 8)} │${pad('first p50', 10)}${pad('p95', 7)}${pad('raw p50', 8)}${pad('p95', 7)}${pad('×', 6)} │${pad('pg', 3)}${pad('deep p50', 9)}${pad('p95', 7)}${pad('raw p50', 8)}${pad('p95', 7)}${pad('×', 6)} │${pad('chart p50', 10)}${pad('p95', 7)}`,
  );
  for (const r of rows) {
    const d = r.deep && r.deepRaw;
    log(
      `${r.org.padEnd(6)}${r.scenario.label.padEnd(26)}${pad(r.matches, 8)} │${pad(round(r.first.p50), 10)}${pad(round(r.first.p95), 7)}${pad(round(r.firstRaw.p50), 8)}${pad(round(r.firstRaw.p95), 7)}${pad(ratio(r.first.p95, r.firstRaw.p95), 6)} │` +
        `${pad(d ? r.deepPage : '—', 3)}${pad(d ? round(r.deep!.p50) : '—', 9)}${pad(d ? round(r.deep!.p95) : '—', 7)}${pad(d ? round(r.deepRaw!.p50) : '—', 8)}${pad(d ? round(r.deepRaw!.p95) : '—', 7)}${pad(d ? ratio(r.deep!.p95, r.deepRaw!.p95) : '—', 6)} │` +
        `${pad(round(r.chart.p50), 10)}${pad(round(r.chart.p95), 7)}${r.first.p95 > BUDGET_MS ? '  over budget' : ''}`,
    );
  }
}

void (args.includes('--instances') ? runAuditWrites() : main()).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
