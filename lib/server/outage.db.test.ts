// Postgres going away under load: a real TCP proxy between Gatehouse and the server is cut and
// restored. Requests fail fast as `unavailable` (503), nothing is half-written, and the same
// process recovers without a restart. Postgres only: the embedded database cannot go away.
import net from 'node:net';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { isDatabaseUnavailable } from '@/db';
import { verifyChain } from '@/lib/audit/chain';
import { createGroup } from '@/lib/groups/writes';
import { listGroups } from '@/lib/groups/reads';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg } from '@/lib/test/helpers';
import { knownError } from './failure';

const databaseUrl = inject('databaseUrl');

/**
 * A TCP proxy to the Postgres server that can be stopped the way Postgres stops: new connections
 * are refused and the backends behind existing ones are terminated by the server (FATAL 57P01,
 * as in a fast shutdown). Only this file's connections go through it, so parallel tests are untouched.
 */
async function stoppableProxy(target: URL) {
  const upstreams = new Set<net.Socket>();
  let server: net.Server | null = null;
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  const start = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        upstreams.add(upstream);
        upstream.on('close', () => (upstreams.delete(upstream), client.destroy()));
        client.on('close', () => upstream.destroy());
        for (const s of [client, upstream]) s.on('error', () => s.destroy());
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = async () => {
    server!.close(); // refuses new connections now; its callback would wait for the open ones
    const ports = [...upstreams].map((s) => s.localPort).filter((p): p is number => Boolean(p));
    const admin = postgres(target.toString(), { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where client_port = any(${ports}) and pid <> pg_backend_pid()`;
    } finally {
      await admin.end();
    }
    while (upstreams.size) await new Promise((r) => setTimeout(r, 10));
  };
  await start();
  return { port, start, stop };
}

// Route this file's database connections through the proxy before anything connects.
const proxy = databaseUrl ? await stoppableProxy(new URL(databaseUrl)) : null;
if (databaseUrl && proxy) {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  process.env.DATABASE_URL = url.toString();
}

describe.skipIf(!databaseUrl)('the database going away', () => {
  it('fails fast with 503, writes nothing partial, and recovers without a restart', async () => {
    const org = await makeOrg('outage');
    const admin = asUser(org.orgId, org.adminId);
    const acknowledged: string[] = [];
    const failures: { error: unknown; ms: number }[] = [];
    let phase: 'up' | 'down' | 'restored' = 'up';
    let n = 0;

    const worker = async () => {
      while (phase !== 'restored' || acknowledged.length < 60) {
        const name = `g${n++}`;
        const started = performance.now();
        try {
          await runMutation(admin, (ctx) => createGroup(ctx, { name }));
          acknowledged.push(name);
        } catch (error) {
          failures.push({ error, ms: performance.now() - started });
          await new Promise((r) => setTimeout(r, 20));
        }
        if (n > 2000) break;
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 10));
    await proxy!.stop();
    phase = 'down';
    await new Promise((r) => setTimeout(r, 1500));
    await proxy!.start();
    phase = 'restored';
    await load;

    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(isDatabaseUnavailable(f.error), String(f.error)).toBe(true);
      expect(knownError(f.error)).toMatchObject({ code: 'unavailable', status: 503 });
    }
    // Most fail at once (connection refused); those caught mid-handshake wait out connect_timeout
    // (5 s), and postgres.js may retry a handshake before giving up — bounded, never a hang.
    const ms = failures.map((f) => f.ms).sort((a, b) => a - b);
    expect(ms[Math.floor(ms.length / 2)]).toBeLessThan(1000);
    expect(ms.at(-1)).toBeLessThan(30_000);
    // Every acknowledged change is there with its event; nothing unacknowledged half-landed.
    const groups = (await listGroups(org.orgId)).filter((g) => !g.builtin).map((g) => g.name);
    const events = (await auditRows(org.orgId)).filter((e) => e.actionType === 'CREATE_GROUP').map((e) => e.metadata.groupName);
    expect(acknowledged.every((name) => groups.includes(name))).toBe(true);
    expect([...events].sort()).toEqual([...groups].sort());
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true });
  });
});
