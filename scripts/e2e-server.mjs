// Serves the production build for the browser tests on a database of its own: a fresh Postgres
// database when TEST_DATABASE_URL is set, otherwise a fresh embedded data directory. Both are
// removed when Playwright stops the server.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase, e2eServerInfoPath, e2eServerLogPath, testSecrets } from './test-db.mjs';
import { root } from './build.mjs';
import { INSTANCE_PORT_OFFSET, startInstances } from './instances.mjs';

const port = process.env.E2E_PORT ?? '3100';
const instances = Number(process.env.E2E_INSTANCES ?? 1);
if (!Number.isInteger(instances) || instances < 1 || instances > 8) {
  console.error(`[e2e] E2E_INSTANCES must be a whole number from 1 to 8 (got "${process.env.E2E_INSTANCES}").`);
  process.exit(2);
}
const serverUrl = process.env.TEST_DATABASE_URL;
if (instances > 1 && !serverUrl) {
  console.error('[e2e] E2E_INSTANCES needs TEST_DATABASE_URL: the embedded database belongs to one process.');
  process.exit(2);
}
const env = {
  ...process.env,
  PORT: port,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  GATEHOUSE_API_RATE_LIMIT: '100',
  NEXTAUTH_URL: `http://127.0.0.1:${port}`,
  GATEHOUSE_LOG_AUDIT_EVENTS: 'true',
};
delete env.DATABASE_URL;
delete env.GATEHOUSE_DATA_DIR;

let cleanup;
let databaseUrl = null;
if (serverUrl) {
  const db = await createTestDatabase(serverUrl, 'e2e');
  databaseUrl = db.url;
  Object.assign(
    env,
    testSecrets(),
    { DATABASE_URL: db.url },
    process.env.NEXTAUTH_SECRET ? { NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET } : {},
  );
  cleanup = () => dropTestDatabase(serverUrl, db.name);
  console.log(`[e2e] postgres database ${db.name}`);
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-'));
  env.GATEHOUSE_DATA_DIR = dir;
  cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  console.log(`[e2e] embedded database in ${dir}`);
}

// With several instances, each signs audit checkpoints every 2 s into a file of its own (the
// specs check that they never sign a head twice and that every file verifies), and the specs
// learn where everything is from a file only this user can read.
const instanceUrls = [];
const checkpointFiles = [];
if (instances > 1) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-checkpoints-'));
  for (let i = 0; i < instances; i++) {
    instanceUrls.push(`http://127.0.0.1:${Number(port) + INSTANCE_PORT_OFFSET + i}`);
    checkpointFiles.push(path.join(dir, `instance-${i}.jsonl`));
  }
  const dropDatabase = cleanup;
  cleanup = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(e2eServerInfoPath(port), { force: true });
    await dropDatabase();
  };
  const shared = ['NEXTAUTH_SECRET', 'GATEHOUSE_ENCRYPTION_KEYS', 'GATEHOUSE_SSO_ENCRYPTION_KEY', 'GATEHOUSE_AUDIT_SIGNING_KEY'];
  fs.writeFileSync(
    e2eServerInfoPath(port),
    JSON.stringify({ databaseUrl, env: Object.fromEntries(shared.map((k) => [k, env[k]])), instanceUrls, checkpointFiles }),
    { mode: 0o600 },
  );
}

// The production server (scripts/server.mjs, whose keep-alive outlives the clients' idle gaps:
// Playwright reuses sockets), or with E2E_INSTANCES=N several of them on the one database behind a
// round-robin proxy on the port (scripts/instances.mjs), at E2E_PORT + 20, + 21, ...
const log = fs.createWriteStream(e2eServerLogPath(port));
const starting = new AbortController();
let startup;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  starting.abort();
  await startup?.then(
    (servers) => servers.stop(),
    () => {},
  );
  await cleanup().catch((e) => console.error('[e2e] cleanup failed:', e));
  log.end();
  fs.rmSync(e2eServerLogPath(port), { force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

startup = startInstances({
  count: instances,
  ports: instances === 1 ? [Number(port)] : instanceUrls.map((url) => Number(new URL(url).port)),
  proxyPort: Number(port),
  env,
  instanceEnv: (i) =>
    instances === 1 ? {} : { GATEHOUSE_AUDIT_CHECKPOINT_FILE: checkpointFiles[i], GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL: '2' },
  signal: starting.signal,
  // Everything a server prints goes to a file the leak tests read. Playwright shows the rest,
  // but not the stream of audit events (GATEHOUSE_LOG_AUDIT_EVENTS), which would drown it.
  onOutput: (i, line, stream) => {
    const shown = instances === 1 ? line : `[instance ${i}] ${line}`;
    log.write(`${shown}\n`);
    if (stream === 'stderr') process.stderr.write(`${shown}\n`);
    else if (!line.startsWith('{"type":"gatehouse.audit"')) process.stdout.write(`${shown}\n`);
  },
});
const servers = await startup.catch(async (e) => {
  if (!stopping) console.error(`[e2e] ${e.message}`);
  await stop(1);
});
if (instances > 1) {
  // Not a fresh deployment: the first-run spec, which needs one, is not part of this mode (its
  // event count would include checkpoints), and without an organization the specs' sign-ups would
  // race to be the first-run form's one.
  const made = spawnSync(
    process.execPath,
    [
      'scripts/gatehouse.mjs',
      'org',
      'create',
      '--name',
      'First org',
      '--slug',
      'first-org',
      '--admin-email',
      'admin@first-org.test',
      '--admin-password',
      randomBytes(18).toString('base64url'),
    ],
    { cwd: root, env, encoding: 'utf8' },
  );
  if (made.status !== 0) {
    console.error(`[e2e] could not create the first organization: ${made.stderr || made.stdout}`);
    await stop(1);
  }
  console.log(`[e2e] ${instances} instances behind ${servers.url}: ${servers.instances.map((i) => i.url).join(', ')}`);
}
for (const { child } of servers.instances) child.on('exit', (code) => void stop(code ?? 1));
