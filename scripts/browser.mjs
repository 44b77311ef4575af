// The Chromium the browser tests drive, found without downloading anything:
//   1. CHROMIUM_PATH, when set (it must exist);
//   2. a system Chromium on the PATH (chromium, chromium-browser, google-chrome…);
//   3. the headless Chromium that `npm install` brought inside @sparticuz/chromium, unpacked once
//      into node_modules/.cache/ (about two seconds).
// `node scripts/browser.mjs` unpacks and launches it once, and says in one line what is missing;
// `--json` prints the one to use (unpacked) and its flags, for the Playwright config, which cannot
// import ESM.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
const FIX =
  'install a Chromium (e.g. `apt-get install chromium`), set CHROMIUM_PATH to one, or run `npm install` to bring @sparticuz/chromium';

/** Flags for every launch: no traffic to Google's services, which a closed network refuses. */
export const chromiumArgs = [
  '--disable-quic',
  '--disable-sync',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir || '.', name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {}
  }
  return null;
}

function packagedChromium() {
  let entry;
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch {
    return null;
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8'));
  const dir = path.join(root, 'node_modules', '.cache', 'gatehouse-chromium', version);
  const executable = path.join(dir, 'chromium');
  // Its own fonts only where the machine has no fontconfig of its own.
  const env = fs.existsSync('/etc/fonts/fonts.conf') ? {} : { FONTCONFIG_PATH: path.join(dir, 'fonts') };
  return { executable, source: `@sparticuz/chromium ${version}`, dir, env, ready: fs.existsSync(executable) };
}

/**
 * Which Chromium to use: `{ executable, source, env, ready }`, or `{ error }` saying what is missing
 * and how to fix it. Synchronous and cheap; `ready: false` means it still has to be unpacked.
 */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    return fs.existsSync(fromEnv)
      ? { executable: fromEnv, source: 'CHROMIUM_PATH', env: {}, ready: true }
      : { error: `CHROMIUM_PATH is set to ${fromEnv}, which does not exist: point it at a Chromium binary or unset it.` };
  }
  for (const name of SYSTEM_NAMES) {
    const executable = onPath(name);
    if (executable) return { executable, source: `system (${name})`, env: {}, ready: true };
  }
  return packagedChromium() ?? { error: `No Chromium for the browser tests: ${FIX}.` };
}

/**
 * Unpacks the packaged Chromium into its cache directory: the package unpacks into tmpdir(), so
 * TMPDIR points at a scratch directory that is renamed into place whole (a concurrent run sees
 * either nothing or a complete browser).
 */
async function unpack(found) {
  const scratch = `${found.dir}.${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    const { default: Chromium } = await import(pathToFileURL(require.resolve('@sparticuz/chromium')).href);
    const unpacked = await Chromium.executablePath();
    if (path.resolve(unpacked) !== path.join(scratch, 'chromium'))
      throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not into ${scratch}`);
    try {
      fs.renameSync(scratch, found.dir);
    } catch (e) {
      if (!fs.existsSync(found.executable)) throw e;
    }
    // Other versions' browsers (about 200 MB each) go once this one is in place.
    const parent = path.dirname(found.dir);
    for (const name of fs.readdirSync(parent)) {
      if (!name.startsWith(path.basename(found.dir))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Finds, unpacks and launches Chromium once; resolves to the one-line problem, or null when it works. */
export async function checkChromium() {
  const found = findChromium();
  if (found.error) return found.error;
  try {
    if (!found.ready) await unpack(found);
    const { chromium } = require('playwright-core');
    const browser = await chromium.launch({
      executablePath: found.executable,
      args: chromiumArgs,
      env: { ...process.env, ...found.env },
      timeout: 30_000,
    });
    await (await browser.newPage()).setContent('<p>ok</p>');
    await browser.close();
    return null;
  } catch (e) {
    const reason =
      String(e?.message ?? e)
        .split('\n')
        .find((line) => line.trim()) ?? 'unknown error';
    return `Chromium from ${found.source} (${found.executable}) did not start: ${reason}. Fix: ${FIX}.`;
  }
}

async function main() {
  const found = findChromium();
  if (process.argv[2] === '--json') {
    if (!found.error && !found.ready) await unpack(found);
    console.log(JSON.stringify({ ...findChromium(), args: chromiumArgs }));
    return;
  }
  const problem = await checkChromium();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  console.log(`Browser tests use Chromium from ${found.source}: ${found.executable}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
