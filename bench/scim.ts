// npm run bench:scim [-- --users N] [--clients N] [--mode http|handler|both] [--instances 1,2] [--json] [--no-jackson]
// Provisions a SCIM directory the way Okta does, from --clients concurrent clients (default 8):
//   1. N users (default 10,000), each POST /Users preceded by GET /Users?filter=userName eq "…"
//   2. 100 groups; every user into 1–3 of them with PATCH add, at most 100 members per request
//   3. all users in pages of 200, one request after another (an IdP import)
//   4. 1,000 random userName eq filters
//   5. the same 1,000 from one client, one after another: a lookup's latency without the queue
// first against Gatehouse's production build on its production server (scripts/server.mjs,
// building it when stale as `npm start` does, bench/servers.ts) on a fresh Postgres database, then
// against BoxyHQ Jackson's directory sync (bench/scim-jackson.ts) on a second one, both over real
// HTTP from the same client code.
// --instances 1,2 runs Gatehouse's side once per count, each on a fresh database: several
// instances stand behind scripts/instances.mjs's round-robin proxy (in this process), and when the
// list has 1 and more, one instance behind the proxy runs too, to price the proxy's hop. Jackson
// runs once, as one process. Prints the runs side by side with their throughput ratios.
// --mode handler runs the same workload without any HTTP in between: Gatehouse's
// handleScimRequest (lib/scim/handler.ts) called with real Request objects, and Jackson's
// directorySyncController.requests.handle, both in this process. --mode both (the default)
// runs HTTP, then handler level.
// Databases are created on BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server,
// and dropped afterwards. Prints a table per system, the ratios, and one JSON line at the end.
// BENCH_PROF=<dir> starts Gatehouse's servers with --cpu-prof, each writing its CPU profile there on exit.
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createTestDatabase, dropTestDatabase, testSecrets } from '../scripts/test-db.mjs';
import { args, countFlag } from './args';
import { jacksonRequest, startJacksonDsync } from './jackson-dsync';
import {
  cli,
  coreShare,
  cpuCell,
  cpuMeter,
  type CpuUse,
  ensureBuild,
  instancePairs,
  instanceSetups,
  loadAverage,
  pairLabel,
  rssNote,
  serverErrorNote,
  setupKey,
  setupLabel,
  startGatehouse,
  type Setup,
} from './servers';

const json = args.includes('--json');
const MODES = ['http', 'handler', 'both'] as const;
type Mode = (typeof MODES)[number];
const MODE = (args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'both') as Mode;
if (!MODES.includes(MODE)) throw new Error(`--mode takes ${MODES.join(', ')}.`);
const withJackson = !args.includes('--no-jackson');
const USERS = countFlag('--users', 10_000);
const CLIENTS = countFlag('--clients', 8);
const setups = instanceSetups();
const GROUPS = 100;
const PAGE = 200;
const FILTERS = 1_000;
const PATCH_BATCH = 100;
const JACKSON_PAGE_LIMIT = PAGE;

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
};
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------------
// Measuring

type OpName = 'lookup' | 'createUser' | 'createGroup' | 'patchGroup' | 'page' | 'filter' | 'filterAlone';
const OPS: Record<OpName, string> = {
  lookup: 'GET userName eq (before create)',
  createUser: 'POST /Users',
  createGroup: 'POST /Groups',
  patchGroup: 'PATCH /Groups add members',
  page: `GET /Users page of ${PAGE}`,
  filter: 'GET userName eq (random)',
  filterAlone: 'GET userName eq (random, 1 client)',
};
type Failure = { op: OpName; request: string; requestBody?: string; status: number; responseBody: string };

class Recorder {
  latencies = new Map<OpName, number[]>();
  errors = new Map<OpName, number>();
  statuses = new Map<OpName, Map<number, number>>();
  failures: Failure[] = [];
  notes: string[] = [];

  add(op: OpName, ms: number, status: number) {
    (this.latencies.get(op) ?? this.latencies.set(op, []).get(op)!).push(ms);
    const s = this.statuses.get(op) ?? this.statuses.set(op, new Map()).get(op)!;
    s.set(status, (s.get(status) ?? 0) + 1);
  }

  fail(f: Failure) {
    this.errors.set(f.op, (this.errors.get(f.op) ?? 0) + 1);
    if (this.failures.filter((x) => x.op === f.op).length < 3) this.failures.push(f);
  }

  note(text: string) {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  summary(op: OpName) {
    const values = [...(this.latencies.get(op) ?? [])].sort((a, b) => a - b);
    const at = (p: number) =>
      values.length ? round(values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!, 2) : null;
    return {
      n: values.length,
      errors: this.errors.get(op) ?? 0,
      p50Ms: at(50),
      p95Ms: at(95),
      maxMs: values.length ? round(values.at(-1)!, 2) : null,
      statuses: Object.fromEntries(this.statuses.get(op) ?? []),
    };
  }
}

type Level = 'http' | 'handler';
/** Sends one request below the directory's base URL (`/Users?…`) and answers its status and body text. */
type Send = (method: string, pathAndQuery: string, payload: string | undefined) => Promise<{ status: number; text: string }>;
/** `meter`, over HTTP: where each step's CPU went (bench/servers.ts). */
type Target = { name: string; send: Send; meter?: { start(): Promise<() => Promise<CpuUse>> } };
type Reply = { status: number; text: string; body: Record<string, unknown> | null };

const requestHeaders = (token: string, payload: string | undefined): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  accept: 'application/scim+json',
  ...(payload ? { 'content-type': 'application/scim+json' } : {}),
});

/**
 * Real HTTP: node:http over keep-alive connections, one per client. Not fetch: undici's fetch
 * costs this process about 1.2 ms of CPU per request on the 2-core machine, CPU the server under
 * test would otherwise get; node:http costs a fraction of that (both systems get the same client).
 */
const httpSend = (baseUrl: string, token: string): Send => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  // Asks for gzip as fetch (and IdPs) do, so large answers are measured compressed.
  const headers = (payload: string | undefined) => ({
    ...requestHeaders(token, payload),
    'accept-encoding': 'gzip',
    ...(payload ? { 'content-length': String(Buffer.byteLength(payload)) } : {}),
  });
  return (method, pathAndQuery, payload) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${baseUrl}${pathAndQuery}`, { method, agent, headers: headers(payload) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          gunzipped(res.headers['content-encoding'], body).then((text) => resolve({ status: res.statusCode ?? 0, text }), reject);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
};

const gunzip = promisify(zlib.gunzip);
const gunzipped = async (encoding: string | undefined, body: Buffer) => (encoding === 'gzip' ? await gunzip(body) : body).toString('utf8');

/** One request; its latency counts under `op` unless that is null (checks outside the timing). */
async function call(t: Target, rec: Recorder, op: OpName | null, method: string, pathAndQuery: string, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  let status = 0;
  let text = '';
  try {
    ({ status, text } = await t.send(method, pathAndQuery, payload));
  } catch (e) {
    text = `(no response: ${e instanceof Error ? e.message : String(e)})`;
  }
  if (op) rec.add(op, performance.now() - started, status);
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    // left null: the caller's status check reports the raw text
  }
  return { status, text, body: parsed };
}

function expectStatus(
  rec: Recorder,
  op: OpName,
  reply: Reply,
  ok: number[],
  method: string,
  pathAndQuery: string,
  body?: unknown,
): boolean {
  if (ok.includes(reply.status)) return true;
  rec.fail({
    op,
    request: `${method} ${pathAndQuery}`,
    requestBody: body === undefined ? undefined : JSON.stringify(body).slice(0, 400),
    status: reply.status,
    responseBody: reply.text.slice(0, 800),
  });
  return false;
}

let interrupted = false;

/** Runs `fn` over `items` from `clients` concurrent workers sharing one queue. */
async function pool<T>(items: T[], clients: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, items.length) }, async () => {
      while (next < items.length && !interrupted) await fn(items[next++]!);
    }),
  );
}

const listCount = (r: Reply) => (Array.isArray(r.body?.Resources) ? (r.body.Resources as unknown[]).length : -1);
const filterQuery = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
const userNameOf = (i: number) => `user${i}@bench.test`;

// ---------------------------------------------------------------------------------------------
// The workload, identical for both systems

type StepTimes = { provision: number; groups: number; paging: number; filters: number; filtersAlone: number };

async function workload(t: Target, rec: Recorder) {
  const seconds: Partial<StepTimes> = {};
  const cpu: Partial<Record<keyof StepTimes, CpuUse>> = {};
  let cpuSince: (() => Promise<CpuUse>) | undefined;
  /** Starts a step's clocks: its wall time, and with a meter its CPU use. */
  const startStep = async () => {
    cpuSince = await t.meter?.start();
    return performance.now();
  };
  const endStep = async (key: keyof StepTimes, t0: number) => {
    seconds[key] = (performance.now() - t0) / 1000;
    const used = await cpuSince?.();
    if (used) cpu[key] = used;
  };
  const before = await call(t, rec, null, 'GET', '/Users?startIndex=1&count=1');
  const baseline = Number(before.body?.totalResults ?? 0);

  // 1. Okta: look the user up by userName, then create it.
  seed = 42;
  const ids: (string | undefined)[] = new Array(USERS);
  let t0 = await startStep();
  let lookupMismatch = 0;
  await pool([...Array(USERS).keys()], CLIENTS, async (i) => {
    const userName = userNameOf(i);
    const q = filterQuery(userName);
    const found = await call(t, rec, 'lookup', 'GET', q);
    if (expectStatus(rec, 'lookup', found, [200], 'GET', q) && (Number(found.body?.totalResults) !== 0 || listCount(found) !== 0))
      lookupMismatch++;
    const body = {
      schemas: [USER_SCHEMA],
      userName,
      name: { givenName: `Given${i}`, familyName: `Family${i}` },
      emails: [{ value: userName, primary: true, type: 'work' }],
      active: true,
      externalId: `00u${i.toString(36).padStart(8, '0')}`,
    };
    const created = await call(t, rec, 'createUser', 'POST', '/Users', body);
    if (expectStatus(rec, 'createUser', created, [201], 'POST', '/Users', body)) ids[i] = String(created.body?.id);
  });
  await endStep('provision', t0);
  if (lookupMismatch) rec.note(`${lookupMismatch} pre-create lookups did not answer an empty ListResponse (totalResults 0, Resources []).`);
  const userIds = ids.filter((id): id is string => !!id);

  // 2. Groups, then memberships in PATCH batches, round-robin over groups so that concurrent
  //    requests mostly touch different groups.
  t0 = await startStep();
  const groupIds: string[] = [];
  await pool([...Array(GROUPS).keys()], CLIENTS, async (g) => {
    const body = { schemas: [GROUP_SCHEMA], displayName: `Bench group ${String(g).padStart(3, '0')}`, members: [] };
    const created = await call(t, rec, 'createGroup', 'POST', '/Groups', body);
    if (expectStatus(rec, 'createGroup', created, [201], 'POST', '/Groups', body)) groupIds.push(String(created.body?.id));
  });
  groupIds.sort();
  const members = new Map<string, string[]>(groupIds.map((g) => [g, []]));
  for (const userId of userIds) {
    const chosen = new Set<string>();
    const k = 1 + Math.floor(rand() * 3);
    while (chosen.size < Math.min(k, groupIds.length)) chosen.add(groupIds[Math.floor(rand() * groupIds.length)]!);
    for (const g of chosen) members.get(g)!.push(userId);
  }
  const batches: { groupId: string; ids: string[] }[] = [];
  const longest = Math.max(0, ...[...members.values()].map((m) => m.length));
  for (let offset = 0; offset < longest; offset += PATCH_BATCH) {
    for (const [groupId, list] of members)
      if (offset < list.length) batches.push({ groupId, ids: list.slice(offset, offset + PATCH_BATCH) });
  }
  await pool(batches, CLIENTS, async ({ groupId, ids: batch }) => {
    const body = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: batch.map((value) => ({ value })) }] };
    const reply = await call(t, rec, 'patchGroup', 'PATCH', `/Groups/${groupId}`, body);
    expectStatus(rec, 'patchGroup', reply, [200, 204], 'PATCH', `/Groups/${groupId}`, {
      ...body,
      Operations: [{ op: 'add', path: 'members', value: `[${batch.length} members]` }],
    });
  });
  await endStep('groups', t0);
  const memberships = [...members.values()].reduce((n, m) => n + m.length, 0);
  if (rec.statuses.get('patchGroup')?.has(200))
    rec.note('PATCH /Groups answers 200 with a body (RFC 7644 allows 200 or 204; Okta accepts both).');
  const sample = groupIds[0];
  if (sample) {
    const reply = await call(t, rec, null, 'GET', `/Groups/${sample}`);
    const got = Array.isArray(reply.body?.members) ? (reply.body.members as unknown[]).length : null;
    const want = members.get(sample)!.length;
    if (got !== want)
      rec.note(`GET /Groups/{id} lists ${got ?? 'no'} members where ${want} were added (membership is not readable through SCIM).`);
  }

  // 3. An import: pages of 200, one after another, until a short page.
  t0 = await startStep();
  const seen = new Set<string>();
  let reportedTotal: number | null = null;
  let pages = 0;
  for (let startIndex = 1; pages < Math.ceil((USERS + baseline) / PAGE) + 5 && !interrupted;) {
    const q = `/Users?startIndex=${startIndex}&count=${PAGE}`;
    const reply = await call(t, rec, 'page', 'GET', q);
    pages++;
    if (!expectStatus(rec, 'page', reply, [200], 'GET', q)) break;
    reportedTotal ??= Number(reply.body?.totalResults);
    const resources = (reply.body?.Resources ?? []) as { id?: string }[];
    for (const r of resources) seen.add(String(r.id));
    startIndex += resources.length;
    if (resources.length < PAGE) break;
  }
  await endStep('paging', t0);
  const expectedTotal = baseline + userIds.length;
  if (reportedTotal !== expectedTotal) rec.note(`Paging: totalResults said ${reportedTotal}, the directory holds ${expectedTotal} users.`);
  if (seen.size !== expectedTotal) rec.note(`Paging returned ${seen.size} distinct users of ${expectedTotal}.`);

  // 4. Random exact lookups from every client, then 5. the same from one.
  const picks = Array.from({ length: FILTERS }, () => Math.floor(rand() * USERS)).filter((i) => ids[i]);
  let filterMismatch = 0;
  for (const [op, clients, key] of [
    ['filter', CLIENTS, 'filters'],
    ['filterAlone', 1, 'filtersAlone'],
  ] as const) {
    t0 = await startStep();
    await pool(picks, clients, async (i) => {
      const q = filterQuery(userNameOf(i));
      const reply = await call(t, rec, op, 'GET', q);
      if (!expectStatus(rec, op, reply, [200], 'GET', q)) return;
      const resources = (reply.body?.Resources ?? []) as { id?: string }[];
      if (resources.length !== 1 || resources[0]!.id !== ids[i]) filterMismatch++;
    });
    await endStep(key, t0);
  }
  if (filterMismatch) rec.note(`${filterMismatch} of ${2 * picks.length} userName eq filters did not return exactly the user.`);

  return {
    seconds: seconds as StepTimes,
    cpu,
    usersCreated: userIds.length,
    groupsCreated: groupIds.length,
    memberships,
    patchRequests: batches.length,
    pages,
    pagedUsers: seen.size,
    reportedTotal,
    filters: picks.length,
  };
}

type Result = Awaited<ReturnType<typeof workload>> & {
  system: string;
  level: Level;
  /** Gatehouse over HTTP: how many instances served, and whether through the proxy. */
  setup?: Setup;
  rec: Recorder;
  rssMb: number;
  rssNote: string;
};

// ---------------------------------------------------------------------------------------------
// Gatehouse: production build on the production server (bench/servers.ts), org and directory through the CLI

const runGatehouseHttp =
  (setup: Setup) =>
  async (serverUrl: string, cleanups: (() => Promise<void>)[]): Promise<Result> => {
    ensureBuild(log, json);
    const db = await createTestDatabase(serverUrl, 'bench_scim');
    cleanups.push(() => dropTestDatabase(serverUrl, db.name));
    const gatehouse = await startGatehouse(setup, db.url);
    cleanups.push(() => gatehouse.stop());
    cli(
      gatehouse.env,
      'org',
      'create',
      '--name',
      'Bench',
      '--slug',
      'bench',
      '--admin-email',
      'admin@bench.test',
      '--admin-password',
      'correct horse battery staple bench',
    );
    const dir = cli(gatehouse.env, 'scim', 'directory', 'create', '--org', 'bench', '--name', 'Okta bench');
    log(
      `\nGatehouse, ${setupLabel(setup)}: ${gatehouse.description}, database ${db.name}, directory ${String(dir.id)}; load average ${loadAverage()} at the start`,
    );

    const meter = await cpuMeter(gatehouse, db.url);
    cleanups.push(() => meter.close());
    const rec = new Recorder();
    const result = await workload({ name: 'Gatehouse', send: httpSend(String(dir.baseUrl), String(dir.token)), meter }, rec);
    const rss = gatehouse.rssMb();
    const errors = serverErrorNote(gatehouse);
    if (errors) rec.note(errors);
    return { ...result, system: 'Gatehouse', level: 'http', setup, rec, rssMb: rss.total, rssNote: rssNote(rss) };
  };

// ---------------------------------------------------------------------------------------------
// Jackson: directory sync in a worker thread of this process

async function runJacksonHttp(serverUrl: string, cleanups: (() => Promise<void>)[]): Promise<Result> {
  const db = await createTestDatabase(serverUrl, 'bench_jackson');
  cleanups.push(() => dropTestDatabase(serverUrl, db.name));
  const rssBefore = process.memoryUsage().rss;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const file = path.join(import.meta.dirname, 'scim-jackson.ts');
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, {
    eval: true,
    env: { ...env, DO_NOT_TRACK: '1', BOXYHQ_NO_ANALYTICS: '1' },
  });
  type Reply =
    | { type: 'ready'; baseUrl: string; token: string }
    | { type: 'closed'; heapUsedMb: number; events: number }
    | { type: 'error'; message: string };
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  let closed: Extract<Reply, { type: 'closed' }> | undefined;
  const close = async () => {
    if (closed) return;
    worker.postMessage({ type: 'close' });
    const reply = await Promise.race([
      next(),
      new Promise<Reply>((r) => setTimeout(() => r({ type: 'error', message: 'timeout' }), 10_000)),
    ]);
    if (reply.type === 'closed') closed = reply;
    await worker.terminate();
  };
  cleanups.push(close);
  worker.postMessage({ type: 'start', dbUrl: db.url, pageLimit: JACKSON_PAGE_LIMIT });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`Jackson did not start: ${ready.type === 'error' ? ready.message : ready.type}`);
  log(`Jackson: @boxyhq/saml-jackson directory sync on ${new URL(ready.baseUrl).origin} (worker thread), database ${db.name}`);

  const rec = jacksonRecorder();
  const result = await workload({ name: 'Jackson', send: httpSend(ready.baseUrl, ready.token) }, rec);
  const rss = process.memoryUsage().rss;
  await close();
  if (closed)
    rec.note(`Jackson's worker heap at the end: ${Math.round(closed.heapUsedMb)} MB; ${closed.events} directory events delivered.`);
  return {
    ...result,
    system: 'Jackson',
    level: 'http',
    rec,
    rssMb: mb(rss),
    rssNote: `RSS of this benchmark process (client + Jackson worker) at the end; ${mb(rssBefore)} MB before Jackson started`,
  };
}

function jacksonRecorder() {
  const rec = new Recorder();
  rec.note(
    `Configured with db.pageLimit = ${JACKSON_PAGE_LIMIT} (Jackson's default of 50 would cut every count=${PAGE} page to 50 users).`,
  );
  rec.note(
    'Filters: Jackson reads only the value after "eq " and matches it against the user\'s first email; attribute names and other operators are ignored.',
  );
  rec.note(
    'POST /Groups ignores members in the body (members are only added by PATCH); directory events go to an in-process no-op callback.',
  );
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Handler level: the same workload and client code, no HTTP framework in between. Both systems
// run in this process, on the load generator's event loop (each one alone, so alike for both).

const HANDLER_ORIGIN = 'http://bench.test';

/** Collects the app's error log lines ("[gatehouse] …") while `fn` runs, as HTTP mode collects the server log. */
async function capturingErrors<T>(fn: () => Promise<T>): Promise<[T, string[]]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...m: unknown[]) => {
    if (typeof m[0] !== 'string' || !m[0].startsWith('[gatehouse]')) return original(...m);
    lines.push(m.map((x) => (x instanceof Error ? (x.stack ?? x.message) : String(x))).join(' '));
  };
  try {
    return [await fn(), lines];
  } finally {
    console.error = original;
  }
}

async function runGatehouseHandler(serverUrl: string, cleanups: (() => Promise<void>)[]): Promise<Result> {
  const db = await createTestDatabase(serverUrl, 'bench_scim_handler');
  cleanups.push(() => dropTestDatabase(serverUrl, db.name));
  // The app reads its configuration on first use: set it (as runGatehouseHttp does for next
  // start) before importing any of it.
  Object.assign(process.env, testSecrets(), { DATABASE_URL: db.url, NEXTAUTH_URL: HANDLER_ORIGIN });
  delete process.env.GATEHOUSE_DATA_DIR;
  const rssBefore = process.memoryUsage().rss;
  const { closeDb } = await import('@/db');
  // Let deferred writes (the SCIM request log is written in batches, off the request path) land
  // before the pool closes: a write after closeDb() would open a new pool on a dropped database.
  const scimDirectories: Record<string, unknown> = await import('@/lib/scim/directories');
  const settle = async () => {
    const flush = scimDirectories.flushScimRequestLog;
    if (typeof flush === 'function') await (flush as () => Promise<void>)();
  };
  cleanups.push(async () => {
    await settle().catch(() => {});
    await closeDb();
  });
  const { migrate } = await import('@/db/migrate');
  const { runMutation } = await import('@/lib/server/mutation');
  const { createOrganization } = await import('@/lib/orgs/writes');
  const { createOrganizationInput } = await import('@/lib/orgs/inputs');
  const { createDirectory, createDirectoryInput } = await import('@/lib/scim/directories');
  const { handleScimRequest } = await import('@/lib/scim/handler');

  // What `gatehouse org create` and `gatehouse scim directory create` do (lib/cli/main.ts).
  await migrate();
  const cliInit = (orgId: string | null) => ({
    orgId,
    actor: { kind: 'cli' as const },
    request: { requestId: `cli-${crypto.randomUUID()}`, ipAddress: null, userAgent: 'gatehouse-cli' },
  });
  const orgInput = createOrganizationInput.parse({
    name: 'Bench',
    slug: 'bench',
    email: 'admin@bench.test',
    password: 'correct horse battery staple bench',
    firstName: 'admin',
    lastName: '',
  });
  const org = await runMutation(cliInit(null), (ctx) => createOrganization(ctx, orgInput, 'cli'));
  const dir = await runMutation(cliInit(org.organizationId), (ctx) =>
    createDirectory(ctx, createDirectoryInput.parse({ name: 'Okta bench' })),
  );
  log(`\nGatehouse: handleScimRequest in this process (no HTTP), database ${db.name}, directory ${dir.id}`);

  // A Request as the route receives it, and the [[...path]] segments Next.js would pass.
  const prefix = `/api/scim/v2/${dir.id}`;
  const send: Send = async (method, pathAndQuery, payload) => {
    const url = `${HANDLER_ORIGIN}${prefix}${pathAndQuery}`;
    const headers = {
      host: new URL(HANDLER_ORIGIN).host,
      ...requestHeaders(dir.token, payload),
      ...(payload ? { 'content-length': String(Buffer.byteLength(payload)) } : {}),
    };
    const segments = new URL(url).pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
    const res = await handleScimRequest(new Request(url, { method, headers, body: payload }), dir.id, segments);
    return { status: res.status, text: await res.text() };
  };
  const rec = new Recorder();
  const [result, errorLines] = await capturingErrors(() => workload({ name: 'Gatehouse', send }, rec));
  if (errorLines.length) rec.note(`Error log has ${errorLines.length} line(s), first: ${errorLines.slice(0, 3).join(' | ').slice(0, 600)}`);
  const rss = process.memoryUsage().rss;
  return {
    ...result,
    system: 'Gatehouse',
    level: 'handler',
    rec,
    rssMb: mb(rss),
    rssNote: `RSS of this benchmark process (client + Gatehouse) at the end; ${mb(rssBefore)} MB before Gatehouse was loaded`,
  };
}

async function runJacksonHandler(serverUrl: string, cleanups: (() => Promise<void>)[]): Promise<Result> {
  const db = await createTestDatabase(serverUrl, 'bench_jackson_handler');
  cleanups.push(() => dropTestDatabase(serverUrl, db.name));
  // As for the worker in HTTP mode: no analytics, no OpenTelemetry exporters.
  Object.assign(process.env, { DO_NOT_TRACK: '1', BOXYHQ_NO_ANALYTICS: '1' });
  for (const k of Object.keys(process.env)) if (k.startsWith('OTEL_')) delete process.env[k];
  const rssBefore = process.memoryUsage().rss;
  const dsync = await startJacksonDsync({ dbUrl: db.url, pageLimit: JACKSON_PAGE_LIMIT });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= dsync.jackson.close());
  cleanups.push(close);
  log(`\nJackson: directorySyncController.requests.handle in this process (no HTTP), database ${db.name}`);

  // The mapping the node:http wrapper in bench/scim-jackson.ts does, minus the socket.
  const prefix = `/api/scim/v2.0/${dsync.directoryId}`;
  const authorization = `Bearer ${dsync.token}`;
  const send: Send = async (method, pathAndQuery, payload) => {
    const request = jacksonRequest(method, new URL(`http://jackson.local${prefix}${pathAndQuery}`), authorization, payload ?? '');
    const { status, data } = await dsync.jackson.directorySyncController.requests.handle(request);
    return { status, text: JSON.stringify(data) };
  };
  const rec = jacksonRecorder();
  const result = await workload({ name: 'Jackson', send }, rec);
  const rss = process.memoryUsage().rss;
  await close();
  rec.note(`${dsync.events()} directory events delivered.`);
  return {
    ...result,
    system: 'Jackson',
    level: 'handler',
    rec,
    rssMb: mb(rss),
    rssNote: `RSS of this benchmark process (client + Gatehouse's modules + Jackson) at the end; ${mb(rssBefore)} MB before Jackson started`,
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

const LEVEL_LABEL: Record<Level, string> = { http: 'over HTTP', handler: 'handler level, no HTTP' };

const pad = (s: unknown, n: number) => String(s ?? '–').padStart(n);
const STEPS: { key: keyof StepTimes; label: string; units: (r: Result) => [number, string] }[] = [
  { key: 'provision', label: '1 provision users (lookup+create)', units: (r) => [r.usersCreated, 'users'] },
  { key: 'groups', label: '2 groups + memberships', units: (r) => [r.memberships, 'members'] },
  { key: 'paging', label: `3 page all users (${PAGE}/page)`, units: (r) => [r.pagedUsers, 'users'] },
  { key: 'filters', label: '4 random userName eq filters', units: (r) => [r.filters, 'filters'] },
  { key: 'filtersAlone', label: '5 the same from 1 client', units: (r) => [r.filters, 'filters'] },
];

function printResult(r: Result) {
  log(`\n${r.system} — ${LEVEL_LABEL[r.level]}${r.setup ? `, ${setupLabel(r.setup)}` : ''} — ${USERS} users, ${CLIENTS} clients`);
  const metered = Object.keys(r.cpu).length > 0;
  log(
    `${'step'.padEnd(36)}${pad('wall s', 9)}${pad('units', 9)}${pad('per s', 10)}${metered ? `${' '.repeat(11)}CPU per unit, cores used` : ''}`,
  );
  for (const s of STEPS) {
    const [n, unit] = s.units(r);
    log(
      `${s.label.padEnd(36)}${pad(round(r.seconds[s.key], 2), 9)}${pad(n, 9)}${pad(round(n / r.seconds[s.key]), 10)} ${metered ? `${`${unit}/s`.padEnd(10)}${pad(cpuCell(r.cpu[s.key], n), 24)}` : `${unit}/s`}`,
    );
  }
  if (metered)
    log(
      `  CPU per unit: the instances', this database's Postgres backends' and this process's (client, proxy) CPU time per unit; cores used: that over the step's wall time on ${os.cpus().length} cores (the rest went to waiting, or to other work on the machine)`,
    );
  log(
    `  ${r.usersCreated} users, ${r.groupsCreated} groups, ${r.memberships} memberships in ${r.patchRequests} PATCH requests, ${r.pages} pages`,
  );
  log(`${'operation'.padEnd(36)}${pad('n', 7)}${pad('errors', 8)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('max ms', 9)}  statuses`);
  for (const op of Object.keys(OPS) as OpName[]) {
    const s = r.rec.summary(op);
    log(
      `${OPS[op].padEnd(36)}${pad(s.n, 7)}${pad(s.errors, 8)}${pad(s.p50Ms, 9)}${pad(s.p95Ms, 9)}${pad(s.maxMs, 9)}  ${Object.entries(
        s.statuses,
      )
        .map(([k, v]) => `${k}×${v}`)
        .join(' ')}`,
    );
  }
  log(`RSS ${r.rssMb} MB (${r.rssNote})`);
  for (const n of r.rec.notes) log(`  note: ${n}`);
  for (const f of r.rec.failures)
    log(`  FAILED ${f.op}: ${f.request}${f.requestBody ? ` ${f.requestBody}` : ''}\n    → ${f.status} ${f.responseBody}`);
}

function printRatios(g: Result, j: Result) {
  log(
    `\nGatehouse${g.setup ? ` (${setupLabel(g.setup)})` : ''} vs Jackson, ${LEVEL_LABEL[g.level]} (time ratio < 1: Gatehouse faster; throughput ratio > 1: Gatehouse faster)`,
  );
  log(`${'step'.padEnd(36)}${pad('Gatehouse s', 12)}${pad('Jackson s', 11)}${pad('time G/J', 10)}${pad('thrpt G/J', 11)}`);
  for (const s of STEPS) {
    const [gn] = s.units(g);
    const [jn] = s.units(j);
    const gt = g.seconds[s.key];
    const jt = j.seconds[s.key];
    log(
      `${s.label.padEnd(36)}${pad(round(gt, 2), 12)}${pad(round(jt, 2), 11)}${pad(round(gt / jt, 2), 10)}${pad(round(gn / gt / (jn / jt), 2), 11)}`,
    );
  }
  log(`${'operation p50 / p95 ms'.padEnd(36)}${pad('Gatehouse', 18)}${pad('Jackson', 18)}${pad('p95 G/J', 10)}`);
  for (const op of Object.keys(OPS) as OpName[]) {
    const a = g.rec.summary(op);
    const b = j.rec.summary(op);
    log(
      `${OPS[op].padEnd(36)}${pad(`${a.p50Ms} / ${a.p95Ms}`, 18)}${pad(`${b.p50Ms} / ${b.p95Ms}`, 18)}${pad(a.p95Ms && b.p95Ms ? round(a.p95Ms / b.p95Ms, 2) : null, 10)}`,
    );
  }
}

const ratiosOf = (g: Result, j: Result) =>
  Object.fromEntries(
    STEPS.map((s) => [
      s.key,
      {
        time: round(g.seconds[s.key] / j.seconds[s.key], 3),
        throughput: round(s.units(g)[0] / g.seconds[s.key] / (s.units(j)[0] / j.seconds[s.key]), 3),
      },
    ]),
  );

const jsonOf = (r: Result) => ({
  ...(r.setup ? { instances: r.setup.count, viaProxy: r.setup.viaProxy } : {}),
  seconds: Object.fromEntries(Object.entries(r.seconds).map(([k, v]) => [k, round(v, 3)])),
  cpuMs: Object.keys(r.cpu).length
    ? Object.fromEntries(
        Object.entries(r.cpu).map(([k, c]) => [
          k,
          {
            server: Math.round(c.server),
            postgres: c.postgres && Math.round(c.postgres),
            bench: Math.round(c.bench),
            coresUsed: round(coreShare(c) * os.cpus().length, 2),
          },
        ]),
      )
    : undefined,
  usersPerSecond: round(r.usersCreated / r.seconds.provision),
  usersCreated: r.usersCreated,
  groupsCreated: r.groupsCreated,
  memberships: r.memberships,
  patchRequests: r.patchRequests,
  pages: r.pages,
  pagedUsers: r.pagedUsers,
  reportedTotal: r.reportedTotal,
  operations: Object.fromEntries((Object.keys(OPS) as OpName[]).map((op) => [op, r.rec.summary(op)])),
  rssMb: r.rssMb,
  errors: [...r.rec.errors.values()].reduce((a, b) => a + b, 0),
  failures: r.rec.failures,
  notes: r.rec.notes,
});

const throughput = (r: Result, s: (typeof STEPS)[number]) => s.units(r)[0] / r.seconds[s.key];

/** Gatehouse over HTTP with each --instances setup, side by side: throughput per step, p50/p95 per operation, and their ratios. */
function printInstances(rs: Result[]) {
  const keys = rs.map((r) => setupKey(r.setup!));
  const pairs = instancePairs(rs);
  log(`\nGatehouse over HTTP by number of instances (each on a fresh database; Jackson ran once, as one process)`);
  log(`  ${rs.map((r) => `${setupKey(r.setup!)} = ${setupLabel(r.setup!)}`).join('; ')}`);
  log(`${'step, units/s'.padEnd(36)}${keys.map((k) => pad(k, 10)).join('')}${pairs.map((p) => pad(pairLabel(p), 9)).join('')}`);
  for (const s of STEPS)
    log(
      `${s.label.padEnd(36)}${rs.map((r) => pad(round(throughput(r, s)), 10)).join('')}${pairs
        .map(([a, b]) => pad(round(throughput(a, s) / throughput(b, s), 2), 9))
        .join('')}`,
    );
  log(
    `${'operation p50 / p95 ms'.padEnd(36)}${keys.map((k) => pad(k, 18)).join('')}${pairs.map((p) => pad(`p95 ${pairLabel(p)}`, 12)).join('')}`,
  );
  for (const op of Object.keys(OPS) as OpName[]) {
    const p95 = (r: Result) => r.rec.summary(op).p95Ms;
    log(
      `${OPS[op].padEnd(36)}${rs.map((r) => pad(`${round(r.rec.summary(op).p50Ms ?? NaN)} / ${round(p95(r) ?? NaN)}`, 18)).join('')}${pairs
        .map(([a, b]) => pad(p95(a) && p95(b) ? round(p95(a)! / p95(b)!, 2) : null, 12))
        .join('')}`,
    );
  }
  log(`${'CPU per unit (all), cores used'.padEnd(36)}${keys.map((k) => pad(k, 18)).join('')}`);
  for (const s of STEPS) log(`${s.label.padEnd(36)}${rs.map((r) => pad(cpuCell(r.cpu[s.key], s.units(r)[0]), 18)).join('')}`);
  log(`${'server RSS MB'.padEnd(36)}${rs.map((r) => pad(r.rssMb, 10)).join('')}`);
}

const instanceRatiosOf = (rs: Result[]) =>
  instancePairs(rs).map(([a, b]) => ({
    run: setupKey(a.setup!),
    over: setupKey(b.setup!),
    throughput: Object.fromEntries(STEPS.map((s) => [s.key, round(throughput(a, s) / throughput(b, s), 3)])),
  }));

// ---------------------------------------------------------------------------------------------

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const cleanups: (() => Promise<void>)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error('cleanup failed:', e));
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the server and dropping the databases…`);
      interrupted = true;
      void cleanup().then(() => process.exit(130));
    });
  }
  /** Runs one system, then stops it and drops its database before the next one starts. */
  const alone = async (run: (serverUrl: string, cleanups: (() => Promise<void>)[]) => Promise<Result>) => {
    try {
      return await run(serverUrl, cleanups);
    } finally {
      await cleanup();
      cleaning = undefined;
      cleanups.length = 0;
    }
  };
  /** Gatehouse (once per run given), then Jackson, at one level; prints each, the ratios, and the runs side by side. */
  const compare = async (runsG: (typeof runGatehouseHandler)[], runJ: typeof runJacksonHttp) => {
    const gatehouse: Result[] = [];
    for (const run of runsG) {
      if (interrupted) break;
      gatehouse.push(await alone(run));
      printResult(gatehouse.at(-1)!);
    }
    if (gatehouse[0]?.setup && (runsG.length > 1 || gatehouse[0].setup.count > 1))
      log(`\nJackson: one process, as without --instances (--instances applies to Gatehouse only).`);
    const jackson = withJackson && !interrupted ? await alone(runJ) : null;
    if (jackson) {
      printResult(jackson);
      printRatios(gatehouse[0]!, jackson);
    }
    if (gatehouse.length > 1) printInstances(gatehouse);
    return {
      gatehouse: jsonOf(gatehouse[0]!),
      jackson: jackson ? jsonOf(jackson) : null,
      ratios: jackson ? ratiosOf(gatehouse[0]!, jackson) : null,
      instances: gatehouse.length > 1 ? gatehouse.map(jsonOf) : undefined,
      instanceRatios: gatehouse.length > 1 ? instanceRatiosOf(gatehouse) : undefined,
    };
  };
  try {
    const http = MODE === 'handler' ? null : await compare(setups.map(runGatehouseHttp), runJacksonHttp);
    if (http && MODE === 'both')
      log(`\n${'-'.repeat(96)}\nHandler level: the same workload calling both SCIM handlers in this process, no HTTP in between`);
    const handler = MODE === 'http' || interrupted ? null : await compare([runGatehouseHandler], runJacksonHandler);
    console.log(
      JSON.stringify({
        benchmark: 'scim',
        database: 'postgres',
        mode: MODE,
        users: USERS,
        clients: CLIENTS,
        groups: GROUPS,
        pageSize: PAGE,
        gatehouse: http?.gatehouse ?? null,
        jackson: http?.jackson ?? null,
        ratios: http?.ratios ?? null,
        instances: http?.instances ?? null,
        instanceRatios: http?.instanceRatios ?? null,
        handler: handler && { gatehouse: handler.gatehouse, jackson: handler.jackson, ratios: handler.ratios },
      }),
    );
  } finally {
    await cleanup();
  }
}

// Exit once done: Jackson in-process (handler mode) leaves a daily setInterval behind
// (SSOTraces' stale-trace cleanup, never cleared by close()), which would keep the process alive.
void main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
