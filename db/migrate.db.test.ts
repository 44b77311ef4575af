// Instances started at once on an empty Postgres database migrate it once: each waits for the
// others' migration (an advisory lock) and then finds nothing left to apply. Postgres only: the
// embedded database belongs to one process (db/embedded.db.test.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase, dropTestDatabase, testSecrets } from '../scripts/test-db.mjs';

const root = path.resolve(__dirname, '..');
const serverUrl = process.env.TEST_DATABASE_URL;

function gatehouse(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/gatehouse.mjs'), ...args], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!inject('databaseUrl') || !serverUrl)('migrations from several processes at once', () => {
  it('three processes on an empty database: all succeed, every migration is applied once', { timeout: 180_000 }, async () => {
    const db = await createTestDatabase(serverUrl!, 'migrate');
    try {
      const env = { ...process.env, ...testSecrets(), DATABASE_URL: db.url, GATEHOUSE_DATA_DIR: undefined };
      const runs = await Promise.all([1, 2, 3].map(() => gatehouse(env, 'migrate')));
      for (const run of runs) expect(run, run.output).toMatchObject({ code: 0 });

      const journal = JSON.parse(fs.readFileSync(path.join(root, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        const applied = await sql<
          { hash: string; n: number }[]
        >`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`;
        expect(applied).toHaveLength(journal.entries.length);
        expect(applied.filter((m) => m.n !== 1)).toEqual([]);
      } finally {
        await sql.end();
      }
    } finally {
      await dropTestDatabase(serverUrl!, db.name);
    }
  });
});
