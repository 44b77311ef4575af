import fs from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import { closeDb, startMemoryDatabasesFrom } from '@/db';
import { ensureMigrated } from '@/db/migrate';

const databaseUrl = inject('databaseUrl');
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
  process.env.GATEHOUSE_ENCRYPTION_KEYS = inject('encryptionKeys');
  process.env.GATEHOUSE_AUDIT_SIGNING_KEY = inject('auditSigningKey');
  process.env.GATEHOUSE_SSO_ENCRYPTION_KEY = inject('ssoEncryptionKey');
} else {
  delete process.env.DATABASE_URL;
  process.env.GATEHOUSE_DATA_DIR = 'memory://';
  const template = inject('pgliteTemplate');
  if (template) startMemoryDatabasesFrom(new Blob([fs.readFileSync(template)]));
}

beforeAll(async () => {
  await ensureMigrated();
});

afterAll(async () => {
  await closeDb();
});
