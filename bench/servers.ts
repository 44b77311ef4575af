// Gatehouse's production servers for the benchmarks that go over HTTP (bench:scim, bench:audit
// --instances): the production build (built when stale, as `npm start` does), then one or more
// instances of scripts/server.mjs on one database, started by scripts/instances.mjs as the browser
// tests start them: one answers directly, several stand behind its round-robin proxy.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { buildIfStale, root } from '../scripts/build.mjs';
import { startInstances, startRoundRobinProxy } from '../scripts/instances.mjs';
import { testSecrets } from '../scripts/test-db.mjs';
import { countListFlag } from './args';

/** How Gatehouse serves one run: `count` instances, reached through the proxy or directly. */
export type Setup = { count: number; viaProxy: boolean };

export const setupLabel = (s: Setup) =>
  `${s.count} instance${s.count > 1 ? 's' : ''}${s.viaProxy ? (s.count > 1 ? ' behind the proxy' : ' behind the proxy (its hop alone)') : ''}`;
export const setupKey = (s: Setup) => `${s.count}${s.viaProxy ? 'p' : ''}`;

/**
 * `--instances 1,2` (default 1): one run per count, in that order; more than one instance always
 * stands behind the proxy. When the list has 1 and more, one instance behind the proxy runs too,
 * right after the direct one: the proxy costs every request a hop through the benchmark's own
 * process, and that run prices the hop, so the multi-instance runs can be compared with it.
 */
export function instanceSetups(): Setup[] {
  const counts = countListFlag('--instances', [1]);
  const withHop = counts.includes(1) && counts.some((n) => n > 1);
  return counts.flatMap((count) => [{ count, viaProxy: count > 1 }, ...(count === 1 && withHop ? [{ count: 1, viaProxy: true }] : [])]);
}

/**
 * The pairs of runs worth dividing: every run by the first, and every multi-instance run by one
 * instance behind the proxy (the same hop, one instance more) when that ran.
 */
export function instancePairs<T extends { setup?: Setup }>(runs: T[]): [T, T][] {
  const hop = runs.find((r) => r.setup?.count === 1 && r.setup.viaProxy);
  return [
    ...runs.slice(1).map((r): [T, T] => [r, runs[0]!]),
    ...(hop && hop !== runs[0] ? runs.filter((r) => r.setup!.count > 1).map((r): [T, T] => [r, hop]) : []),
  ];
}

export const pairLabel = ([a, b]: [{ setup?: Setup }, { setup?: Setup }]) => `${setupKey(a.setup!)}÷${setupKey(b.setup!)}`;

export function ensureBuild(log: (line: string) => void, quiet: boolean) {
  const status = buildIfStale({ log, quiet });
  if (status !== 0) throw new Error(`next build failed (exit ${status}).`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(procStat(Number(entry))?.[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  for (const todo = [pid]; todo.length;) {
    const p = todo.pop()!;
    tree.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return tree;
}

/** /proc/<pid>/stat's fields from the state on (field 3 is [0]), or null once the process has ended. */
function procStat(pid: number): string[] | null {
  try {
    return fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
  } catch {
    return null;
  }
}

/** VmRSS of `pid` and every process below it, in bytes. */
function rssOfTree(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return kb * 1024;
}

/** CPU time (user + system) `pid` has used so far, in ms (Linux counts it in ticks of 10 ms); 0 once it has ended. */
function cpuMsOf(pid: number): number {
  const f = procStat(pid);
  return f ? (Number(f[11]) + Number(f[12])) * 10 : 0;
}

/** `gatehouse … --json` in its own process against `env`'s database; its JSON answer. */
export function cli(env: NodeJS.ProcessEnv, ...argv: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gatehouse.mjs'), ...argv, '--json'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const out = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0) throw new Error(`gatehouse ${argv.slice(0, 3).join(' ')} failed (exit ${r.status}): ${out} ${r.stderr}`);
  return JSON.parse(out) as Record<string, unknown>;
}

export type Gatehouse = {
  /** The URL clients use: the proxy's, or the only instance's. */
  url: string;
  /** The instances' environment (database, keys), for the CLI. */
  env: NodeJS.ProcessEnv;
  /** One line saying what runs where. */
  description: string;
  /** Every line the instances printed, prefixed with the instance's index when there are several. */
  serverLog: string[];
  /** Resident memory of each instance's process tree now, in MB, and their sum. */
  rssMb(): { total: number; perInstance: number[] };
  /** CPU time the instances' process trees have used so far, in ms. */
  cpuMs(): number;
  /** Stops the proxy and the instances. */
  stop(): Promise<void>;
};

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Starts `setup` on `databaseUrl` with fresh keys and `env` added, waits until every instance is
 * healthy, and returns how to reach and stop it. BENCH_PROF=<dir> starts each instance with
 * --cpu-prof, writing one CPU profile per process there when it stops.
 */
export async function startGatehouse(setup: Setup, databaseUrl: string, env: Record<string, string> = {}): Promise<Gatehouse> {
  const ports = await Promise.all(Array.from({ length: setup.count }, () => freePort()));
  const proxyPort = setup.viaProxy ? await freePort() : ports[0]!;
  const origin = `http://127.0.0.1:${proxyPort}`;
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...testSecrets(),
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_URL: origin,
    ...(setup.viaProxy ? { GATEHOUSE_TRUSTED_PROXY_HOPS: '1' } : {}),
    ...env,
  };
  delete serverEnv.GATEHOUSE_DATA_DIR;
  const serverLog: string[] = [];
  const started = await startInstances({
    count: setup.count,
    ports,
    proxyPort,
    env: serverEnv,
    nodeArgs: process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [],
    onOutput: (index, line) => {
      if (line) serverLog.push(setup.count > 1 ? `[${index}] ${line}` : line);
    },
    timeoutMs: 180_000,
  }).catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${serverLog.join('\n')}`);
  });
  // One instance behind the proxy: startInstances puts it in front of several only.
  const hop = setup.viaProxy && setup.count === 1 ? await startRoundRobinProxy({ port: proxyPort, upstreams: [started.url] }) : null;
  const pids = started.instances.map((i) => i.child.pid!);
  return {
    url: hop?.url ?? started.url,
    env: serverEnv,
    description: `scripts/server.mjs × ${setup.count} (pid ${pids.join(', ')} on ${started.instances.map((i) => new URL(i.url).port).join(', ')})${
      setup.viaProxy ? `, clients through the round-robin proxy on ${origin} (in this process)` : ` on ${origin}`
    }`,
    serverLog,
    rssMb: () => {
      const perInstance = pids.map((pid) => mb(rssOfTree(pid)));
      return { total: perInstance.reduce((a, b) => a + b, 0), perInstance };
    },
    cpuMs: () => pids.flatMap(processTree).reduce((ms, pid) => ms + cpuMsOf(pid), 0),
    stop: async () => {
      await hop?.close();
      await started.stop();
    },
  };
}

/** A note on the instances' log lines that look like errors, or null when there are none. */
export function serverErrorNote(g: Gatehouse): string | null {
  const errors = g.serverLog.filter((l) => /error|failed/i.test(l));
  return errors.length ? `Server log has ${errors.length} error line(s), first: ${errors.slice(0, 3).join(' | ').slice(0, 600)}` : null;
}

/** The machine's 1, 5 and 15 minute load averages: the benchmarks share its cores with whatever else runs. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** "VmRSS of the server process at the end", or its sum and each instance's with several. */
export function rssNote(rss: { total: number; perInstance: number[] }): string {
  return rss.perInstance.length > 1
    ? `VmRSS of the ${rss.perInstance.length} server processes at the end, summed (${rss.perInstance.map((n) => `${n} MB`).join(' + ')}); the proxy runs in this process`
    : 'VmRSS of the server process at the end';
}

/** CPU time used while a step ran, in ms: by the instances, by Postgres for this database, by this process (client and proxy). */
export type CpuUse = { server: number; postgres: number | null; bench: number; wallMs: number };

/**
 * Measures where a step's CPU went, so a run on a shared machine can tell its own cost from its
 * wait for a core: the instances' processes, Postgres's backends for `databaseUrl` (when Postgres
 * runs on this machine; a backend that ends during the step takes its time with it), and this
 * process. `start()` returns the function that answers the use since.
 */
export async function cpuMeter(g: Gatehouse, databaseUrl: string) {
  const local = ['127.0.0.1', 'localhost', '[::1]', ''].includes(new URL(databaseUrl).hostname);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const backends = async () => {
    if (!local) return null;
    const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`;
    return new Map(rows.map((r) => [r.pid, cpuMsOf(r.pid)]));
  };
  const benchMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  return {
    async start(): Promise<() => Promise<CpuUse>> {
      const before = { server: g.cpuMs(), postgres: await backends(), bench: benchMs(), wall: performance.now() };
      return async () => {
        const wallMs = performance.now() - before.wall;
        const after = await backends();
        return {
          server: g.cpuMs() - before.server,
          postgres: after && [...after].reduce((ms, [pid, now]) => ms + now - (before.postgres?.get(pid) ?? 0), 0),
          bench: benchMs() - before.bench,
          wallMs,
        };
      };
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** The share of the machine's cores a step's measured processes used: the rest of its wall time they waited, or other processes ran. */
export const coreShare = (c: CpuUse) => (c.server + (c.postgres ?? 0) + c.bench) / (c.wallMs * os.cpus().length);

/** "12.3 ms, 87 %": CPU time per unit of all measured processes, and the share of the cores they used. */
export const cpuCell = (c: CpuUse | null | undefined, units: number) =>
  c ? `${((c.server + (c.postgres ?? 0) + c.bench) / units).toFixed(1)} ms, ${Math.round(coreShare(c) * 100)} %` : '–';
