// Serves the production build for the browser tests on a database of its own: a fresh Postgres
// database when TEST_DATABASE_URL is set, otherwise a fresh embedded data directory. Both are
// removed when Playwright stops the server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createTestDatabase, dropTestDatabase, e2eServerLogPath, testSecrets } from './test-db.mjs';
import { serverScript } from './build.mjs';

const port = process.env.E2E_PORT ?? '3100';
const serverUrl = process.env.TEST_DATABASE_URL;
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
if (serverUrl) {
  const db = await createTestDatabase(serverUrl, 'e2e');
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

// The production server, whose keep-alive outlives the clients' idle gaps (Playwright reuses sockets).
const child = spawn(process.execPath, [serverScript, '-p', port], { stdio: ['inherit', 'pipe', 'pipe'], env });
// Everything the server prints goes to a file the leak tests read. Playwright shows the rest,
// but not the stream of audit events (GATEHOUSE_LOG_AUDIT_EVENTS), which would drown it.
const log = fs.createWriteStream(e2eServerLogPath(port));
readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
  log.write(`${line}\n`);
  if (!line.startsWith('{"type":"gatehouse.audit"')) process.stdout.write(`${line}\n`);
});
child.stderr.on('data', (chunk) => (process.stderr.write(chunk), log.write(chunk)));

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await cleanup().catch((e) => console.error('[e2e] cleanup failed:', e));
  fs.rmSync(e2eServerLogPath(port), { force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
child.on('exit', (code) => void stop(code ?? 1));
