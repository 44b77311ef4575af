// scripts/browser.mjs as npm test runs it: a separate process, its exit code and its one line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = path.join(__dirname, 'browser.mjs');
const run = (env: Record<string, string | undefined>, ...args: string[]) => {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  const r = spawnSync(process.execPath, [script, ...args], { env: merged, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

// Each test starts a Node process that loads playwright-core: seconds on a busy machine, not 5.
describe('scripts/browser.mjs', { timeout: 60_000 }, () => {
  it('says in one line that CHROMIUM_PATH names nothing', () => {
    const r = run({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'CHROMIUM_PATH is set to /nonexistent/chromium, which does not exist: point it at a Chromium binary or unset it.\n',
    );
  });

  it('says in one line that a binary which is not a browser did not start, and how to fix it', () => {
    const r = run({ CHROMIUM_PATH: '/bin/false' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^Chromium from CHROMIUM_PATH \(\/bin\/false\) did not start: .+ Fix: install a Chromium .*CHROMIUM_PATH.*npm install/,
    );
  });

  it('with no Chromium on the PATH, hands out the one npm installed, unpacked', () => {
    const r = run({ CHROMIUM_PATH: undefined, PATH: path.dirname(process.execPath) }, '--json');
    expect(r.code).toBe(0);
    const found = JSON.parse(r.stdout) as { executable: string; source: string; ready: boolean; args: string[] };
    expect(found.source).toMatch(/^@sparticuz\/chromium \d+/);
    expect(found.ready).toBe(true);
    expect(fs.statSync(found.executable).mode & 0o111).not.toBe(0);
    expect(found.args).toContain('--disable-background-networking');
  });
});
