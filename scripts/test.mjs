#!/usr/bin/env node
// `npm test`: everything, in phases, then how long each took.
//
//   browser    the Chromium the browser tests will drive starts (scripts/browser.mjs), so a
//              machine without one hears it in seconds, not after the build
//   static     typecheck, lint and the formatting check, side by side
//   unit       Vitest: pure units, and the database tests on the embedded database and, with
//              TEST_DATABASE_URL, on a fresh Postgres database as well
//   build      one production build (skipped when it is newer than every source)
//   e2e        Playwright against that build: on the embedded database and, with
//              TEST_DATABASE_URL, then on Postgres, each with a server of its own; then, on
//              Postgres, two servers on one database behind a round-robin proxy, for the API,
//              sign-in and SCIM specs and the cross-instance checks (e2e/instances.spec.ts)
//
// Without TEST_DATABASE_URL only the embedded database is used: a machine with Node and npm and
// nothing else runs everything that needs nothing else. Any phase failing stops the run.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { buildIfStale, root } from './build.mjs';

const npx = (bin, ...args) => ({ cmd: process.execPath, args: [`node_modules/.bin/${bin}`, ...args] });
const postgresUrl = process.env.TEST_DATABASE_URL || null;
const modes = postgresUrl ? ['embedded', 'postgres'] : ['embedded'];
const timings = [];
const t0 = Date.now();

/** Runs one command; with a label, each line of its output is prefixed so parallel output stays readable. */
function run({ cmd, args }, { label, env } = {}) {
  return new Promise((resolve) => {
    const merged = { ...process.env, ...env };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    const child = spawn(cmd, args, { cwd: root, env: merged, stdio: label ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (label) {
      for (const [stream, out] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`[${label}] ${line}\n`));
      }
    }
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs the commands of one phase side by side and records how long the phase took. */
async function phase(name, jobs) {
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const codes = await Promise.all(jobs.map(([command, opts]) => run(command, jobs.length > 1 ? opts : { ...opts, label: undefined })));
  timings.push([name, Date.now() - started, codes.every((c) => c === 0)]);
  if (codes.some((c) => c !== 0)) finish(1);
}

function finish(code) {
  const fmt = (ms) => `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  console.log('\n=== npm test: time by phase ===');
  for (const [name, ms, ok] of timings) console.log(`${name.padEnd(40)} ${fmt(ms).padStart(7)}  ${ok ? 'passed' : 'FAILED'}`);
  console.log(`${'total'.padEnd(40)} ${fmt(Date.now() - t0).padStart(7)}  ${code === 0 ? 'passed' : 'FAILED'}`);
  process.exit(code);
}

// Playwright's own server for each database (scripts/e2e-server.mjs), on ports far enough apart
// for the helpers each spec starts at E2E_PORT + n, so the two runs could share the machine.
const e2eEnv = {
  embedded: { E2E_PORT: '3100', TEST_DATABASE_URL: undefined, DATABASE_URL: undefined },
  postgres: { E2E_PORT: '3200', TEST_DATABASE_URL: postgresUrl ?? undefined },
  'postgres, 2 instances': { E2E_PORT: '3300', TEST_DATABASE_URL: postgresUrl ?? undefined, E2E_INSTANCES: '2' },
};

await phase('browser', [[{ cmd: process.execPath, args: ['scripts/browser.mjs'] }]]);
await phase('static (typecheck, lint, format)', [
  [npx('tsc', '--noEmit'), { label: 'typecheck' }],
  [npx('eslint', '--max-warnings', '0', '.'), { label: 'lint' }],
  [npx('prettier', '--check', '--log-level', 'warn', '.'), { label: 'format' }],
]);
await phase(`unit (db: ${modes.join(', ')})`, [[npx('vitest', 'run')]]);
{
  const started = Date.now();
  console.log('\n=== build ===');
  let built = false;
  const status = buildIfStale({ log: (line) => ((built = true), console.log(line)) });
  timings.push([built ? 'build' : 'build (current, reused)', Date.now() - started, status === 0]);
  if (status !== 0) finish(1);
}
// One database after the other: side by side, the two crash tests and four browsers on two cores
// slowed each other past their time limits (decision 0026).
for (const mode of postgresUrl ? [...modes, 'postgres, 2 instances'] : modes) {
  await phase(`e2e (${mode})`, [[npx('playwright', 'test'), { env: e2eEnv[mode] }]]);
}
finish(0);
