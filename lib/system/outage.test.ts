// A Postgres outage under live traffic, on a private cluster that the test stops and starts: SCIM
// creates and readiness probes go through what scripts/server.mjs runs (the availability guard,
// serveScim, checkReadiness) on a real HTTP server. While the database is down every request is a
// 503 with a JSON body within a second; within two seconds of its return requests are served again;
// no create that answered 503 is in the database. Bounds here are the (28, part 1), kept
// generous; how fast it is belongs to bench/. Skipped when the machine has no PostgreSQL binaries.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb, queryRows } from '@/db';
import { sql } from 'drizzle-orm';
import { ensureMigrated } from '@/db/migrate';
import { createDirectory } from '@/lib/scim/directories';
import { serveScim } from '@/lib/scim/node';
import { runMutation } from '@/lib/server/mutation';
import { asUser, makeOrg } from '@/lib/test/helpers';
import { findPostgresBinaries, startPostgresCluster, type PostgresCluster } from '@/lib/test/postgres-cluster';
import { READINESS_PATH, refuseWhileUnavailable } from './availability';
import { checkReadiness } from './health';

const bindir = findPostgresBinaries();
if (!bindir) console.warn('[outage test] skipped: no PostgreSQL server binaries (initdb, pg_ctl) on this machine.');

type Sample = { kind: 'create' | 'ready'; userName?: string; started: number; ms: number; status: number; json: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!bindir)('a Postgres outage under traffic (needs PostgreSQL server binaries)', () => {
  let cluster: PostgresCluster;
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    cluster = await startPostgresCluster(bindir!);
    process.env.DATABASE_URL = cluster.url;
    process.env.GATEHOUSE_ENCRYPTION_KEYS = `test:${randomBytes(32).toString('base64')}`;
    process.env.GATEHOUSE_AUDIT_SIGNING_KEY = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    process.env.GATEHOUSE_SSO_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    await ensureMigrated();
    // What scripts/server.mjs does before and instead of Next.js, for the paths this test uses.
    server = http.createServer((req, res) => {
      if (refuseWhileUnavailable(req, res)) return;
      if (req.url === READINESS_PATH) {
        void checkReadiness().then(
          (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
          (e: Error) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: e.message } })),
        );
        return;
      }
      void serveScim(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await closeDb();
    await cluster?.destroy();
  }, 60_000);

  it('answers 503 within a second while the database is down, and serves again within two seconds of its return', async () => {
    const org = await makeOrg('outage');
    const dir = await runMutation(asUser(org.orgId, org.adminId), (ctx) => createDirectory(ctx, { name: 'outage' }));
    const samples: Sample[] = [];
    let running = true;
    let n = 0;
    const t0 = performance.now();
    const now = () => performance.now() - t0;

    const send = async (kind: Sample['kind'], url: string, init: RequestInit, userName?: string) => {
      const started = now();
      let status = 0; // no answer within 15 s
      let json = false;
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
        status = res.status;
        JSON.parse(await res.text());
        json = true;
      } catch {
        // no answer, or not JSON
      }
      samples.push({ kind, userName, started, ms: now() - started, status, json });
    };
    const creator = async () => {
      while (running) {
        const userName = `u${n++}-${dir.id.slice(0, 8)}@outage.test`;
        await send(
          'create',
          `${origin}/api/scim/v2/${dir.id}/Users`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${dir.token}`, 'content-type': 'application/scim+json' },
            body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true }),
          },
          userName,
        );
        await sleep(10);
      }
    };
    const prober = async () => {
      while (running) {
        await send('ready', `${origin}${READINESS_PATH}`, {});
        await sleep(100);
      }
    };
    const traffic = Promise.all([creator(), creator(), creator(), creator(), prober()]);

    while (samples.filter((s) => s.status === 201).length < 20) await sleep(20);
    const stopping = now();
    await cluster.stop('fast');
    const down = now();
    await sleep(4000); // longer than the ~2.5 s after which postgres.js's back-off used to make requests hang
    const starting = now();
    await cluster.start();
    const up = now();
    await sleep(3000);
    running = false;
    await traffic;

    const during = samples.filter((s) => s.started >= down && s.started + s.ms <= starting);
    const creates = during.filter((s) => s.kind === 'create');
    const probes = during.filter((s) => s.kind === 'ready');
    expect(creates.length).toBeGreaterThan(20);
    expect(probes.length).toBeGreaterThan(10);
    for (const s of during) {
      expect(s, 'a 503 with a JSON body within 1 s while the database is down').toMatchObject({ status: 503, json: true });
      expect(s.ms, JSON.stringify(s)).toBeLessThan(1000);
    }
    // Around the stop, requests in flight either finished or failed, quickly either way.
    for (const s of samples) {
      expect([200, 201, 503], JSON.stringify(s)).toContain(s.status);
      expect(s.ms, JSON.stringify({ ...s, stopping, down, starting, up })).toBeLessThan(2500);
    }
    const served = samples.filter((s) => s.started >= up && s.kind === 'create' && s.status === 201);
    const firstServed = Math.min(...served.map((s) => s.started + s.ms)) - up;
    expect(firstServed).toBeLessThan(2000);
    for (const s of samples.filter((x) => x.started >= up + 2000))
      expect(s.status, `2 s after the return: ${JSON.stringify({ ...s, up })}`).toBe(s.kind === 'create' ? 201 : 200);

    // Every acknowledged create is there; none that answered 503 was committed.
    const stored = new Set(
      (
        await queryRows<{ user_name: string }>(
          getDb(),
          sql`select scim_user_name as user_name from users where scim_directory_id = ${dir.id}`,
        )
      ).map((r) => r.user_name),
    );
    const createSamples = samples.filter((s) => s.kind === 'create');
    for (const s of createSamples.filter((x) => x.status === 201)) expect(stored.has(s.userName!), `${s.userName} (201)`).toBe(true);
    for (const s of createSamples.filter((x) => x.status === 503)) {
      expect(stored.has(s.userName!), JSON.stringify({ ...s, stopping, down, starting, up })).toBe(false);
    }

    const refused = samples.filter((s) => s.status === 503);
    console.log(
      `[outage test] stop took ${Math.round(down - stopping)} ms, restart ${Math.round(up - starting)} ms; ` +
        `${refused.length} 503s, slowest ${Math.round(Math.max(...refused.map((s) => s.ms)))} ms; ` +
        `first create served ${Math.round(firstServed)} ms after the database was back; ` +
        `${createSamples.filter((s) => s.status === 201).length} creates acknowledged, all stored.`,
    );
  }, 60_000);
});
