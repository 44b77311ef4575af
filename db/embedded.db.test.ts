// The embedded database across processes: one process per data directory, and committed data
// survives a process that is killed mid-use.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const children: ChildProcess[] = [];
const dirs: string[] = [];

/** Runs lib/test/embedded-probe.ts in a child process on `dataDir`; resolves once it prints `marker`. */
function runProbe(dataDir: string, args: string[], marker: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(tsxLoader).href, path.join(root, 'lib/test/embedded-probe.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_ROOT: root },
    },
  );
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) resolve({ child, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => (out.includes(marker) ? undefined : reject(new Error(`probe exited ${code}: ${out}`))));
  });
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('embedded database', () => {
  it('refuses a second process with a clear message, and loses nothing when the first is killed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-embedded-'));
    dirs.push(dir);
    const first = await runProbe(dir, ['write', '25'], 'COMMITTED');

    const second = await runProbe(dir, ['read'], 'DONE');
    expect(second.output()).toMatch(/ERROR=The embedded database in .* is in use by another Gatehouse process \(pid \d+\)/);
    expect(second.output()).toContain('set DATABASE_URL');

    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;

    const third = await runProbe(dir, ['read'], 'DONE');
    expect(third.output()).toContain('ROWS=25');
  }, 180_000); // Three Node processes each opening the embedded database: a hang guard, not a speed check (that lives in bench/).
});
