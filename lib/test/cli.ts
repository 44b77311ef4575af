// For tests that run the CLI as separate processes: those processes open the database this test
// process uses. On Postgres that is the run's database already; embedded, it is a data dir of the
// test file's own, made from the run's migrated template, instead of memory:// (which no other
// process can open). Top-level await in the test file: `const gatehouse = await cliForTests(dir)`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { closeDb } from '@/db';

const root = path.resolve(__dirname, '../..');

export type CliRun = (...args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/**
 * Points this test file's database where CLI processes can open it (embedded: a data dir under
 * `parent` made from the template, set as GATEHOUSE_DATA_DIR) and returns a runner for
 * `gatehouse …`. Embedded, the runner closes this process's handle first (one process at a time).
 */
export async function cliForTests(parent: string): Promise<CliRun> {
  const embedded = !inject('databaseUrl');
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(parent, 'data-'));
    const template = inject('pgliteTemplate');
    const pg = await PGlite.create(path.join(dataDir, 'pglite'), template ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {});
    await pg.close();
    await closeDb();
    process.env.GATEHOUSE_DATA_DIR = dataDir;
  }
  return async (...args) => {
    if (embedded) await closeDb();
    // Not spawnSync: this process keeps answering meanwhile (a local peer the command sends to).
    const child = spawn(process.execPath, [path.join(root, 'scripts/gatehouse.mjs'), ...args], { timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', (status) => resolve(status)));
    return { code, stdout: stdout.trim(), stderr: stderr.trim() };
  };
}
