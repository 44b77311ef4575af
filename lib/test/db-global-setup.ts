// The db:postgres project: one fresh Postgres database on TEST_DATABASE_URL's server for the run,
// migrated here and dropped afterwards. The db project: each test file migrates its own in-memory
// PGlite (see db-setup.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createTestDatabase, dropTestDatabase } from '../../scripts/test-db.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string | null;
    /** With Postgres nothing is generated into a data dir, so the run shares one keyring. */
    encryptionKeys: string;
    auditSigningKey: string;
    ssoEncryptionKey: string;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = project.name === 'db:postgres' ? process.env.TEST_DATABASE_URL : undefined;
  project.provide('encryptionKeys', process.env.GATEHOUSE_ENCRYPTION_KEYS || `test:${randomBytes(32).toString('base64')}`);
  project.provide('auditSigningKey', process.env.GATEHOUSE_AUDIT_SIGNING_KEY || generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
  project.provide('ssoEncryptionKey', process.env.GATEHOUSE_SSO_ENCRYPTION_KEY || randomBytes(32).toString('base64'));
  if (!serverUrl) {
    project.provide('databaseUrl', null);
    return;
  }
  const db = await createTestDatabase(serverUrl, 'vitest');
  process.env.DATABASE_URL = db.url;
  const { migrate } = await import('@/db/migrate');
  const { closeDb } = await import('@/db');
  await migrate();
  await closeDb();
  delete process.env.DATABASE_URL;
  project.provide('databaseUrl', db.url);
  return async () => {
    await dropTestDatabase(serverUrl, db.name);
  };
}
