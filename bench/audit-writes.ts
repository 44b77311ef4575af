// npm run bench:audit -- --instances 1,2 [--orgs N] [--clients N] [--writes N] [--reads N] [--json]
// Audited writes over HTTP, the part of the audit log that several instances share: Gatehouse's
// production server on a fresh Postgres database for each setup --instances asks for
// (bench/servers.ts: one instance directly, several behind the round-robin proxy, and one behind
// the proxy to price its hop), with GATEHOUSE_API_RATE_LIMIT raised out of the way, then
//   1. spread: --clients concurrent API clients (default 16), each with a token of its own, spread
//      over --orgs organizations (default 8), create a group and delete it again (POST and DELETE
//      /api/v1/groups), --writes audited writes in all (default 2,000);
//   2. busy: the same, every client in one organization. An organization's events are linked into
//      one hash chain, and each write holds the chain head's row from its event to its commit, so
//      one organization's writes queue there whatever the number of instances;
//   3. the busy organization's audit log, first page (GET /api/v1/audit-events?limit=50, what the
//      viewer shows first), --reads requests (default 1,000) from the same clients. The viewer's
//      chart is the dashboard's, behind a session: not measured here.
// Prints writes/s and p50/p95 per phase, which instance answered, then checks that
// `gatehouse audit verify` passes and that every acknowledged write (2xx) has exactly its event
// (found by the request id its answer carried); exits 1 when either fails. With several setups,
// a side-by-side table and the ratios. One JSON line at the end.
// Organizations and tokens are made by the CLI's own commands (lib/cli/commands), resolved from
// argv and run in this process: a `gatehouse` process costs about 2.5 s of CPU to start, and the
// setup needs dozens. bench/audit.ts hands --instances here.
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { createTestDatabase, dropTestDatabase, testSecrets } from '../scripts/test-db.mjs';
import { args, countFlag } from './args';
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
const PAGE = 50;
const PASSWORD = 'correct horse battery staple bench';
const CORES = os.cpus().length;

const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
};
const pad = (v: unknown, n: number) => String(v ?? '–').padStart(n);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

type Op = 'create' | 'delete' | 'firstPage';
const OPS: Record<Op, string> = {
  create: 'POST /api/v1/groups',
  delete: 'DELETE /api/v1/groups/:id',
  firstPage: `GET /api/v1/audit-events?limit=${PAGE}`,
};
type PhaseKey = 'spread' | 'busy' | 'read';
type Acknowledged = { requestId: string; actionType: 'CREATE_GROUP' | 'DELETE_GROUP' };

class Phase {
  latencies = new Map<Op, number[]>();
  statuses = new Map<Op, Map<number, number>>();
  failures: string[] = [];
  errors = new Map<Op, number>();
  instances = new Map<string, number>();
  acknowledged: Acknowledged[] = [];
  seconds = 0;
  done = 0;
  cpu: CpuUse | null = null;

  constructor(
    readonly key: PhaseKey,
    readonly label: string,
    readonly unit: string,
  ) {}

  add(op: Op, ms: number, a: Answer) {
    (this.latencies.get(op) ?? this.latencies.set(op, []).get(op)!).push(ms);
    const s = this.statuses.get(op) ?? this.statuses.set(op, new Map()).get(op)!;
    s.set(a.status, (s.get(a.status) ?? 0) + 1);
    if (a.instance !== null) this.instances.set(a.instance, (this.instances.get(a.instance) ?? 0) + 1);
  }

  fail(op: Op, a: Answer) {
    this.errors.set(op, (this.errors.get(op) ?? 0) + 1);
    if (this.failures.length < 3) this.failures.push(`${OPS[op]} → ${a.status} ${a.text.slice(0, 400)}`);
  }

  summary(op: Op) {
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

  perSecond() {
    return this.done / this.seconds;
  }
}

type Answer = { status: number; text: string; requestId: string | null; instance: string | null };
type Send = (method: string, path: string, body?: unknown) => Promise<Answer>;

/** node:http over keep-alive connections, as bench/scim.ts's client (fetch costs the client more CPU than the cores can spare). */
function apiClient(baseUrl: string, token: string, agent: http.Agent): Send {
  return (method, path, body) =>
    new Promise((resolve) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
      };
      const gone = (e: Error) => resolve({ status: 0, text: `(no response: ${e.message})`, requestId: null, instance: null });
      const req = http.request(`${baseUrl}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            requestId: (res.headers['x-request-id'] as string | undefined) ?? null,
            instance: (res.headers['x-gatehouse-instance'] as string | undefined) ?? null,
          }),
        );
        res.on('error', gone);
      });
      req.on('error', gone);
      req.end(payload);
    });
}

let interrupted = false;

async function timed(phase: Phase, op: Op, request: Promise<Answer>, started = performance.now()): Promise<Answer> {
  const a = await request;
  phase.add(op, performance.now() - started, a);
  return a;
}

/** Each client (one token each) creates a group and deletes it, until `writes` writes were sent. */
async function writes(phase: Phase, sends: Send[], writes: number) {
  const pairs = Math.ceil(writes / 2);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    sends.map(async (send) => {
      while (next < pairs && !interrupted) {
        const n = next++;
        const created = await timed(phase, 'create', send('POST', '/api/v1/groups', { name: `Bench ${phase.key} ${n}` }));
        const id = created.status === 201 ? (JSON.parse(created.text) as { id?: string }).id : undefined;
        if (!id || !created.requestId) {
          phase.fail('create', created);
          continue;
        }
        phase.acknowledged.push({ requestId: created.requestId, actionType: 'CREATE_GROUP' });
        const deleted = await timed(phase, 'delete', send('DELETE', `/api/v1/groups/${id}`));
        if (deleted.status !== 204 || !deleted.requestId) {
          phase.fail('delete', deleted);
          continue;
        }
        phase.acknowledged.push({ requestId: deleted.requestId, actionType: 'DELETE_GROUP' });
      }
    }),
  );
  phase.seconds = (performance.now() - t0) / 1000;
  phase.done = phase.acknowledged.length;
}

async function firstPages(phase: Phase, sends: Send[], reads: number) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    sends.map(async (send) => {
      while (next < reads && !interrupted) {
        next++;
        const page = await timed(phase, 'firstPage', send('GET', `/api/v1/audit-events?limit=${PAGE}`));
        const events = page.status === 200 ? (JSON.parse(page.text) as { data?: unknown[] }).data : undefined;
        if (events?.length === PAGE) phase.done++;
        else phase.fail('firstPage', page);
      }
    }),
  );
  phase.seconds = (performance.now() - t0) / 1000;
}

type Run = {
  setup: Setup;
  phases: Phase[];
  verify: { ok: boolean; detail: string };
  events: { acknowledged: number; withTheirEvent: number; missing: number; duplicated: number };
  rss: { total: number; perInstance: number[] };
  notes: string[];
};

/**
 * Makes the organizations and tokens with the CLI's commands in this process, on `databaseUrl`
 * (the server's keys are already in process.env). Answers each client's token for both phases.
 */
async function mintTokens(databaseUrl: string, orgs: number, clients: number) {
  process.env.DATABASE_URL = databaseUrl;
  const { closeDb } = await import('@/db');
  const { resolve } = await import('@/lib/cli/command');
  const { commands } = await import('@/lib/cli/commands');
  const gatehouse = async (...argv: string[]) => {
    const invocation = resolve(commands, argv);
    if (invocation.kind !== 'run') throw new Error(`gatehouse ${argv.join(' ')}: not a command`);
    return (await invocation.command.run(invocation.flags)).json as Record<string, unknown>;
  };
  try {
    const slugs = Array.from({ length: orgs }, (_, i) => `bench-${i + 1}`);
    for (const slug of slugs)
      await gatehouse('org', 'create', '--name', slug, '--slug', slug, '--admin-email', `admin@${slug}.test`, '--admin-password', PASSWORD);
    const token = async (slug: string, note: string) =>
      String((await gatehouse('token', 'create', '--org', slug, '--scopes', 'groups:write,audit:read', '--note', note)).token);
    const spread: string[] = [];
    const busy: string[] = [];
    for (let c = 0; c < clients; c++) spread.push(await token(slugs[c % orgs]!, `bench client ${c}`));
    for (let c = 0; c < clients; c++) busy.push(await token(slugs[0]!, `bench busy client ${c}`));
    return { slugs, spread, busy };
  } finally {
    await closeDb();
  }
}

async function checkEvents(databaseUrl: string, acknowledged: Acknowledged[]): Promise<Run['events']> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ request_id: string; action_type: string; n: number }[]>`
      select request_id, action_type, count(*)::int as n from audit_events
      where request_id = any(${`{${acknowledged.map((a) => JSON.stringify(a.requestId)).join(',')}}`}::text[]) group by 1, 2`;
    const found = new Map(rows.map((r) => [`${r.request_id} ${r.action_type}`, r.n]));
    const counts = acknowledged.map((a) => found.get(`${a.requestId} ${a.actionType}`) ?? 0);
    return {
      acknowledged: acknowledged.length,
      withTheirEvent: counts.filter((n) => n === 1).length,
      missing: counts.filter((n) => n === 0).length,
      duplicated: counts.filter((n) => n > 1).length,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function runSetup(
  setup: Setup,
  serverUrl: string,
  secrets: Record<string, string>,
  cleanups: (() => Promise<void>)[],
  o: { orgs: number; clients: number; writes: number; reads: number },
): Promise<Run> {
  ensureBuild(log, json);
  const db = await createTestDatabase(serverUrl, 'bench_audit_http');
  cleanups.push(() => dropTestDatabase(serverUrl, db.name));
  const gatehouse = await startGatehouse(setup, db.url, { ...secrets, GATEHOUSE_API_RATE_LIMIT: String(1_000_000) });
  cleanups.push(() => gatehouse.stop());
  const tokens = await mintTokens(db.url, o.orgs, o.clients);
  log(`\nGatehouse, ${setupLabel(setup)}: ${gatehouse.description}, database ${db.name}; load average ${loadAverage()} at the start`);

  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const sends = (list: string[]) => list.map((t) => apiClient(gatehouse.url, t, agent));
  const phases = [
    new Phase('spread', `1 writes, spread over ${o.orgs} orgs`, 'writes'),
    new Phase('busy', '2 writes, all in one org', 'writes'),
    new Phase('read', `3 audit log first page (${PAGE})`, 'pages'),
  ] as const;
  // One unmeasured round per client first: a server loads a route's code on its first request.
  const warmUp = new Phase('spread', 'warm-up', 'writes');
  await writes(warmUp, sends(tokens.spread), 2 * o.clients);
  await firstPages(warmUp, sends(tokens.busy), o.clients);
  const meter = await cpuMeter(gatehouse, db.url);
  cleanups.push(() => meter.close());
  const measured = async (phase: Phase, run: () => Promise<void>) => {
    if (interrupted) return;
    const stop = await meter.start();
    await run();
    phase.cpu = await stop();
  };
  await measured(phases[0], () => writes(phases[0], sends(tokens.spread), o.writes));
  await measured(phases[1], () => writes(phases[1], sends(tokens.busy), o.writes));
  await measured(phases[2], () => firstPages(phases[2], sends(tokens.busy), o.reads));
  agent.destroy();
  const rss = gatehouse.rssMb();

  let verify: Run['verify'];
  try {
    const out = cli(gatehouse.env, 'audit', 'verify') as { organizations?: { slug: string; events: number }[] };
    verify = { ok: true, detail: (out.organizations ?? []).map((r) => `${r.slug} ${r.events}`).join(', ') };
  } catch (e) {
    verify = { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
  const events = await checkEvents(
    db.url,
    [warmUp, ...phases].flatMap((p) => p.acknowledged),
  );
  const notes = [serverErrorNote(gatehouse)].filter((n): n is string => !!n);
  return { setup, phases: [...phases], verify, events, rss, notes };
}

function printRun(r: Run, o: { clients: number }) {
  log(
    `${'phase'.padEnd(36)}${pad('wall s', 9)}${pad('done', 8)}${pad('per s', 10)}${' '.repeat(9)}│ CPU ms per unit: ${'server'.padStart(6)}${pad('Postgres', 9)}${pad('client+proxy', 13)} │ ${CORES} cores used`,
  );
  for (const p of r.phases) {
    const per = (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : round(ms / p.done, 2));
    log(
      `${p.label.padEnd(36)}${pad(round(p.seconds, 2), 9)}${pad(p.done, 8)}${pad(round(p.perSecond()), 10)} ${`${p.unit}/s`.padEnd(8)}│ ${' '.repeat(17)}${pad(per(p.cpu?.server), 6)}${pad(per(p.cpu?.postgres), 9)}${pad(per(p.cpu?.bench), 13)} │ ${pad(p.cpu ? `${Math.round(coreShare(p.cpu) * 100)} %` : '–', 12)}`,
    );
  }
  log(`${'operation'.padEnd(36)}${pad('n', 7)}${pad('errors', 8)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('max ms', 9)}  statuses`);
  for (const p of r.phases)
    for (const op of Object.keys(OPS) as Op[]) {
      const s = p.summary(op);
      if (!s.n) continue;
      log(
        `${`${p.key[0]} ${OPS[op]}`.padEnd(36)}${pad(s.n, 7)}${pad(s.errors, 8)}${pad(s.p50Ms, 9)}${pad(s.p95Ms, 9)}${pad(s.maxMs, 9)}  ${Object.entries(
          s.statuses,
        )
          .map(([k, v]) => `${k}×${v}`)
          .join(' ')}`,
      );
    }
  const served = new Map<string, number>();
  for (const p of r.phases) for (const [i, n] of p.instances) served.set(i, (served.get(i) ?? 0) + n);
  if (served.size)
    log(
      `Answered by instance (X-Gatehouse-Instance): ${[...served]
        .sort()
        .map(([i, n]) => `${i} ×${n}`)
        .join(', ')}`,
    );
  log(`${o.clients} clients, one token each (the rate limit counts per token, in one row each)`);
  log(
    `Cores used: the CPU time of the instances, this database's Postgres backends and this process over the phase's wall time; the rest of it they waited for a core (other work on the machine) or for each other.`,
  );
  log(`RSS ${r.rss.total} MB (${rssNote(r.rss)})`);
  log(`gatehouse audit verify: ${r.verify.ok ? `ok (events per organization: ${r.verify.detail})` : `FAILED ${r.verify.detail}`}`);
  const e = r.events;
  log(
    `Acknowledged writes with exactly their event: ${e.withTheirEvent} of ${e.acknowledged}${e.missing ? `; MISSING ${e.missing}` : ''}${e.duplicated ? `; DUPLICATED ${e.duplicated}` : ''}`,
  );
  for (const p of r.phases) for (const f of p.failures) log(`  FAILED (${p.key}) ${f}`);
  for (const n of r.notes) log(`  note: ${n}`);
}

function printSideBySide(runs: Run[]) {
  const pairs = instancePairs(runs);
  log(`\nAudited writes over HTTP by number of instances (each on a fresh database)`);
  log(`  ${runs.map((r) => `${setupKey(r.setup)} = ${setupLabel(r.setup)}`).join('; ')}`);
  log(
    `${'phase, per s'.padEnd(36)}${runs.map((r) => pad(setupKey(r.setup), 10)).join('')}${pairs.map((p) => pad(pairLabel(p), 9)).join('')}`,
  );
  for (const [i, phase] of runs[0]!.phases.entries()) {
    const rate = (r: Run) => r.phases[i]!.perSecond();
    log(
      `${phase.label.padEnd(36)}${runs.map((r) => pad(round(rate(r)), 10)).join('')}${pairs.map(([a, b]) => pad(round(rate(a) / rate(b), 2), 9)).join('')}`,
    );
  }
  log(`${'CPU per unit (all), cores used'.padEnd(36)}${runs.map((r) => pad(setupKey(r.setup), 18)).join('')}`);
  for (const [i, phase] of runs[0]!.phases.entries())
    log(`${phase.label.padEnd(36)}${runs.map((r) => pad(cpuCell(r.phases[i]!.cpu, r.phases[i]!.done), 18)).join('')}`);
  log(
    `${'operation p50 / p95 ms'.padEnd(36)}${runs.map((r) => pad(setupKey(r.setup), 18)).join('')}${pairs.map((p) => pad(`p95 ${pairLabel(p)}`, 12)).join('')}`,
  );
  for (const [i, phase] of runs[0]!.phases.entries())
    for (const op of Object.keys(OPS) as Op[]) {
      if (!phase.summary(op).n) continue;
      const s = (r: Run) => r.phases[i]!.summary(op);
      log(
        `${`${phase.key[0]} ${OPS[op]}`.padEnd(36)}${runs.map((r) => pad(`${round(s(r).p50Ms ?? NaN)} / ${round(s(r).p95Ms ?? NaN)}`, 18)).join('')}${pairs
          .map(([a, b]) => pad(s(a).p95Ms && s(b).p95Ms ? round(s(a).p95Ms! / s(b).p95Ms!, 2) : null, 12))
          .join('')}`,
      );
    }
  log(`${'server RSS MB'.padEnd(36)}${runs.map((r) => pad(r.rss.total, 10)).join('')}`);
}

const jsonOf = (r: Run) => ({
  instances: r.setup.count,
  viaProxy: r.setup.viaProxy,
  phases: Object.fromEntries(
    r.phases.map((p) => [
      p.key,
      {
        seconds: round(p.seconds, 3),
        done: p.done,
        perSecond: round(p.perSecond()),
        errors: [...p.errors.values()].reduce((a, b) => a + b, 0),
        operations: Object.fromEntries((Object.keys(OPS) as Op[]).filter((op) => p.summary(op).n).map((op) => [op, p.summary(op)])),
        instances: Object.fromEntries(p.instances),
        cpuMs: p.cpu && {
          server: Math.round(p.cpu.server),
          postgres: p.cpu.postgres && Math.round(p.cpu.postgres),
          bench: Math.round(p.cpu.bench),
        },
        coresUsed: p.cpu && round(coreShare(p.cpu) * CORES, 2),
        failures: p.failures,
      },
    ]),
  ),
  auditVerify: r.verify,
  events: r.events,
  rssMb: r.rss.total,
  rssMbPerInstance: r.rss.perInstance,
  notes: r.notes,
});

export async function runAuditWrites() {
  const o = {
    orgs: countFlag('--orgs', 8),
    clients: countFlag('--clients', 16),
    writes: countFlag('--writes', 2_000),
    reads: countFlag('--reads', 1_000),
  };
  const setups = instanceSetups();
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // One set of keys for every setup: the CLI's commands run in this process, and they and the
  // servers must share them.
  const secrets = testSecrets();
  Object.assign(process.env, secrets);
  delete process.env.GATEHOUSE_DATA_DIR;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e: unknown) => console.error('cleanup failed:', e));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers and dropping the database…`);
      interrupted = true;
      void cleanup().then(() => process.exit(130));
    });
  }
  log(
    `Audited writes over /api/v1: ${o.clients} clients, ${o.writes} writes per phase (create a group, delete it), ${o.orgs} organizations, ${o.reads} first pages; GATEHOUSE_API_RATE_LIMIT raised to 1,000,000`,
  );
  const runs: Run[] = [];
  for (const setup of setups) {
    if (interrupted) break;
    try {
      runs.push(await runSetup(setup, serverUrl, secrets, cleanups, o));
    } finally {
      await cleanup();
    }
    printRun(runs.at(-1)!, o);
  }
  if (runs.length > 1) printSideBySide(runs);
  const broken = runs.filter((r) => !r.verify.ok || r.events.withTheirEvent !== r.events.acknowledged);
  if (broken.length) {
    log(`\n${broken.length} run(s) lost or broke audit events: see above.`);
    process.exitCode = 1;
  }
  console.log(
    JSON.stringify({
      benchmark: 'audit',
      mode: 'http-writes',
      database: 'postgres',
      ...o,
      pageSize: PAGE,
      runs: runs.map(jsonOf),
      ratios: instancePairs(runs).map(([a, b]) => ({
        run: setupKey(a.setup),
        over: setupKey(b.setup),
        perSecond: Object.fromEntries(a.phases.map((p, i) => [p.key, round(p.perSecond() / b.phases[i]!.perSecond(), 3)])),
      })),
    }),
  );
}
