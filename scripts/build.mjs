// One rule for "is the production build current?": `npm start` and the benchmarks build the app
// when there is no build or any source is newer than it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
/** The production server (`npm start`, the browser tests, the benchmarks). */
export const serverScript = path.join(root, 'scripts', 'server.mjs');
const SOURCES = [
  'app',
  'components',
  'lib',
  'db',
  'drizzle',
  'public',
  'proxy.ts',
  'instrumentation.ts',
  'instrumentation-client.ts',
  'next.config.ts',
  'postcss.config.mjs',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/** Runs `next build` (telemetry off) when the build is missing or stale; returns its exit status (0 when nothing was needed). */
export function buildIfStale({ log = console.log, quiet = false } = {}) {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (built >= Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))))) return 0;
  log(built ? 'Sources changed since the last build: rebuilding…' : 'No build yet: building Gatehouse (about a minute)…');
  const build = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  return build.status ?? 1;
}
