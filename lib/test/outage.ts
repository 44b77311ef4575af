// A Postgres outage under live traffic, for the tests that stop and start a private cluster
// (lib/test/postgres-cluster.ts) around it: lib/system/outage.test.ts in-process, and
// e2e/outage.spec.ts with two production servers behind the round-robin proxy. Traffic loops
// record every request; the bounds of issue 28, part 1 are checked on the record. No imports of
// the application: the browser tests load this file too.

export type Sample = {
  /** What was asked: a create (its `key` says which) or a probe; `ok` is its status when served. */
  kind: string;
  ok: number;
  key?: string;
  started: number;
  ms: number;
  /** 0: no answer within 15 s. */
  status: number;
  json: boolean;
};

export type OutageTimes = { stopping: number; down: number; starting: number; up: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `loops` (each calls `send` until `running()` is false), waits until `warm()` holds (and
 * forgets what came before), stops the
 * cluster for `downMs`, starts it, lets traffic run `afterMs` more, and returns what was recorded.
 */
export async function recordOutage(opts: {
  cluster: { stop(mode?: 'fast' | 'immediate'): Promise<void>; start(): Promise<void> };
  loops: ((send: Send, running: () => boolean) => Promise<void>)[];
  warm: (samples: Sample[]) => boolean;
  downMs?: number;
  afterMs?: number;
}): Promise<{ samples: Sample[]; times: OutageTimes }> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let running = true;
  const send: Send = async ({ kind, ok, key }, url, init = {}) => {
    const started = now();
    let status = 0;
    let json = false;
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
      status = res.status;
      JSON.parse(await res.text());
      json = true;
    } catch {
      // no answer, or not JSON
    }
    samples.push({ kind, ok, key, started, ms: now() - started, status, json });
    return status;
  };
  const traffic = Promise.all(opts.loops.map((loop) => loop(send, () => running)));
  try {
    while (!opts.warm(samples)) await sleep(20);
    const warmAt = now();
    const stopping = now();
    await opts.cluster.stop('fast');
    const down = now();
    await sleep(opts.downMs ?? 4000); // longer than the ~2.5 s after which postgres.js's back-off used to make requests hang
    const starting = now();
    await opts.cluster.start();
    const up = now();
    await sleep(opts.afterMs ?? 3000);
    running = false;
    await traffic;
    // The record starts warm: a server's first requests (caches, lazy modules) are not the outage's.
    return { samples: samples.filter((s) => s.started >= warmAt), times: { stopping, down, starting, up } };
  } finally {
    running = false;
    await traffic;
  }
}

export type Send = (what: { kind: string; ok: number; key?: string }, url: string, init?: RequestInit) => Promise<number>;

/**
 * What broke the bounds: while the database was down, anything but a 503 with a JSON body within
 * 1 s; around the stop, anything slower than 2.5 s or other than served or 503; every kind
 * `mustRecover` not served again within 2 s of the return, or anything not served from then on.
 */
export function outageViolations(samples: Sample[], times: OutageTimes, mustRecover: string[]): string[] {
  const { down, starting, up } = times;
  const problems: string[] = [];
  const show = (s: Sample) => JSON.stringify({ ...s, ...times });
  const during = samples.filter((s) => s.started >= down && s.started + s.ms <= starting);
  for (const kind of new Set(samples.map((s) => s.kind)))
    if (during.filter((s) => s.kind === kind).length < 5)
      problems.push(`only ${during.filter((s) => s.kind === kind).length} ${kind} while down`);
  for (const s of during)
    if (s.status !== 503 || !s.json || s.ms >= 1000) problems.push(`while down, not a quick 503 with JSON: ${show(s)}`);
  for (const s of samples) {
    if (s.status !== s.ok && s.status !== 503) problems.push(`neither served nor 503: ${show(s)}`);
    if (s.ms >= 2500) problems.push(`slower than 2.5 s: ${show(s)}`);
  }
  for (const kind of mustRecover) {
    const served = samples.filter((s) => s.kind === kind && s.started >= up && s.status === s.ok).map((s) => s.started + s.ms - up);
    if (!served.length || Math.min(...served) >= 2000)
      problems.push(`${kind} not served within 2 s of the return (first at ${Math.min(...served)} ms)`);
  }
  for (const s of samples.filter((x) => x.started >= up + 2000)) if (s.status !== s.ok) problems.push(`2 s after the return: ${show(s)}`);
  return problems;
}

/** Creates that answered 201 but are not stored, and creates that answered 503 but are. */
export function commitViolations(samples: Sample[], stored: Set<string>): string[] {
  const creates = samples.filter((s) => s.key !== undefined);
  return [
    ...creates.filter((s) => s.status === s.ok && !stored.has(s.key!)).map((s) => `acknowledged but not stored: ${s.key}`),
    ...creates.filter((s) => s.status === 503 && stored.has(s.key!)).map((s) => `answered 503 but committed: ${s.key}`),
  ];
}

/** One line for the test's output. */
export function outageSummary(samples: Sample[], times: OutageTimes): string {
  const refused = samples.filter((s) => s.status === 503);
  const creates = samples.filter((s) => s.key !== undefined && s.status === s.ok);
  return (
    `stop took ${Math.round(times.down - times.stopping)} ms, restart ${Math.round(times.up - times.starting)} ms; ` +
    `${refused.length} 503s, slowest ${Math.round(Math.max(0, ...refused.map((s) => s.ms)))} ms; ` +
    `${creates.length} creates acknowledged`
  );
}
