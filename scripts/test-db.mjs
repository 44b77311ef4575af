// Fresh Postgres databases for test runs: created on the server named by TEST_DATABASE_URL, and
// dropped afterwards. Refuses any server that is not on this machine.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);

export function assertLocalDatabase(url) {
  const { hostname } = new URL(url);
  if (!LOCAL_HOSTS.has(hostname)) {
    throw new Error(`Refusing to run tests against a non-local database (${hostname}). Point TEST_DATABASE_URL at localhost.`);
  }
}

/** Creates `gatehouse_<label>_<random>` and returns its name and URL. */
export async function createTestDatabase(serverUrl, label) {
  assertLocalDatabase(serverUrl);
  const name = `gatehouse_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropTestDatabase(serverUrl, name) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** Secrets a Postgres-backed test server needs (embedded mode generates its own). */
export function testSecrets() {
  return {
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    GATEHOUSE_ENCRYPTION_KEYS: `test:${randomBytes(32).toString('base64')}`,
    GATEHOUSE_SSO_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GATEHOUSE_AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

/** Where the browser tests' server copies its output, so a test can check what it logged. */
export function e2eServerLogPath(port) {
  return path.join(os.tmpdir(), `gatehouse-e2e-server-${port}.log`);
}

/**
 * What the browser tests' two-instance mode tells its specs (scripts/e2e-server.mjs): the
 * database, the secrets the instances share (for the CLI), each instance's URL and checkpoint file.
 */
export function e2eServerInfoPath(port) {
  return path.join(os.tmpdir(), `gatehouse-e2e-server-${port}.json`);
}
