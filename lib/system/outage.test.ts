// A Postgres outage under live traffic, on a private cluster that the test stops and starts: SCIM
// creates and readiness probes go through what scripts/server.mjs runs (the availability guard,
// serveScim, checkReadiness) on a real HTTP server. While the database is down every request is a
// 503 with a JSON body within a second; within two seconds of its return requests are served again;
// no create that answered 503 is in the database. Bounds here are the (28, part 1), kept
// generous; how fast it is belongs to bench/. Skipped when the machine has no PostgreSQL binaries.
// e2e/outage.spec.ts does the same to two production servers behind a proxy (lib/test/outage.ts).
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
import { commitViolations, outageSummary, outageViolations, recordOutage, type Send } from '@/lib/test/outage';
import { findPostgresBinaries, startPostgresCluster, type PostgresCluster } from '@/lib/test/postgres-cluster';
import { READINESS_PATH, refuseWhileUnavailable } from './availability';
import { checkReadiness } from './health';

const bindir = findPostgresBinaries();
if (!bindir) console.warn('[outage test] skipped: no PostgreSQL server binaries (initdb, pg_ctl) on this machine.');

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
    let n = 0;
    const creator = async (send: Send, running: () => boolean) => {
      while (running()) {
        const userName = `u${n++}-${dir.id.slice(0, 8)}@outage.test`;
        await send({ kind: 'create', ok: 201, key: userName }, `${origin}/api/scim/v2/${dir.id}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${dir.token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true }),
        });
        await sleep(10);
      }
    };
    const prober = async (send: Send, running: () => boolean) => {
      while (running()) {
        await send({ kind: 'ready', ok: 200 }, `${origin}${READINESS_PATH}`);
        await sleep(100);
      }
    };
    const { samples, times } = await recordOutage({
      cluster,
      loops: [creator, creator, creator, creator, prober],
      warm: (s) => s.filter((x) => x.status === 201).length >= 20,
    });
    expect(outageViolations(samples, times, ['create', 'ready'])).toEqual([]);

    // Every acknowledged create is there; none that answered 503 was committed.
    const stored = new Set(
      (
        await queryRows<{ user_name: string }>(
          getDb(),
          sql`select scim_user_name as user_name from users where scim_directory_id = ${dir.id}`,
        )
      ).map((r) => r.user_name),
    );
    expect(commitViolations(samples, stored)).toEqual([]);
    console.log(`[outage test] ${outageSummary(samples, times)}, all stored.`);
  }, 60_000);
});
