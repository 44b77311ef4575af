// The db:postgres project: one fresh Postgres database on TEST_DATABASE_URL's server for the run,
// migrated here and dropped afterwards. The db project: an in-memory PGlite migrated here once and
// dumped to a file, from which each test file starts a database of its own (see db-setup.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { TestProject } from 'vitest/node';
import { migrationsFolder } from '@/db/migrate';
import { createTestDatabase, dropTestDatabase } from '../../scripts/test-db.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string | null;
    /** The db project: a migrated PGlite data dir (dumpDataDir), for each file to start from. */
    pgliteTemplate: string | null;
    /** With Postgres nothing is generated into a data dir, so the run shares one keyring. */
    encryptionKeys: string;
    auditSigningKey: string;
    ssoEncryptionKey: string;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = project.name === 'db:postgres' ? process.env.TEST_DATABASE_URL : undefined;
  project.provide('encryptionKeys', process.env.GATEHOUSE_ENCRYPTION_KEYS || `test:${randomBytes(32).toString('base64')}`);
  project.provide(
    'auditSigningKey',
    process.env.GATEHOUSE_AUDIT_SIGNING_KEY ||
      generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  );
  project.provide('ssoEncryptionKey', process.env.GATEHOUSE_SSO_ENCRYPTION_KEY || randomBytes(32).toString('base64'));
  if (!serverUrl) {
    project.provide('databaseUrl', null);
    const client = new PGlite();
    await migratePglite(drizzlePglite(client), { migrationsFolder: migrationsFolder() });
    const dump = await client.dumpDataDir('none');
    await client.close();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pglite-')), 'migrated.tar');
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteTemplate', file);
    return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  project.provide('pgliteTemplate', null);
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
