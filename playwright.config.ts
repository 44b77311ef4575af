import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';
import { googlePeer } from './e2e/google-peer';

// CHROMIUM_PATH, a system Chromium, or the one npm installed (scripts/browser.mjs); Playwright
// never downloads a browser. The script is ESM, which this config cannot import, so it runs once.
const chromium = JSON.parse(execFileSync(process.execPath, ['scripts/browser.mjs', '--json'], { cwd: __dirname, encoding: 'utf8' })) as {
  executable?: string;
  args?: string[];
  env?: Record<string, string>;
  error?: string;
};
if (chromium.error) {
  console.error(chromium.error);
  process.exit(1);
}
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// With E2E_INSTANCES=2 (Postgres only), two servers on one database behind a round-robin proxy
// (scripts/e2e-server.mjs): the specs of what instances must share run through it, with
// e2e/instances.spec.ts, which steps on one instance and checks on the other.
const instances = Number(process.env.E2E_INSTANCES ?? 1);
// npm test runs one Playwright per database at once: each keeps its results apart.
const database = `${process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded'}${instances > 1 ? `-${instances}-instances` : ''}`;
// The server's session-cookie secret, set once in the main process and inherited by the workers,
// so a test can read what a cookie holds.
const sessionSecret = (process.env.E2E_NEXTAUTH_SECRET ??= randomBytes(32).toString('base64url'));

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  // Hang guards, not speed checks (speed lives in bench/): on two busy cores, with the reliability
  // test hammering its own server alongside, every browser step can take a second or three, so a
  // test of ninety steps has taken over 90 s and one expectation 10. Longer tests set their own.
  timeout: 180_000,
  expect: { timeout: 20_000 },
  outputDir: `test-results/${database}`,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: `playwright-report/${database}` }]],
  use: {
    baseURL,
    // A failed test keeps its trace with a DOM snapshot of every step. Not the screencast: its
    // frames doubled the browser's CPU time on two cores (decision 0026).
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    launchOptions: {
      executablePath: chromium.executable,
      args: chromium.args,
      env: { ...process.env, ...chromium.env },
    },
  },
  // Every spec but the first-run one waits for it (it needs the empty database). Projects are run
  // in phases, and within one in the order listed: the crash test (minutes, on a server of its
  // own) starts first, in one worker, so it overlaps the rest instead of trailing it.
  projects:
    instances > 1
      ? // Not the first-run spec: it counts the events of an organization, and with several
        // instances checkpoints are signed every 2 s, adding their own.
        // The outage test runs last, alone: it times answers in milliseconds.
        [
          {
            name: 'instances',
            testMatch: [/e2e\/(api|auth)\/.*\.spec\.ts$/, /scim\.spec\.ts$/, /instances\.spec\.ts$/],
            // It waits out a 5-minute idle limit; the limits are read at every request from the database.
            testIgnore: /session-limits\.spec\.ts$/,
          },
          { name: 'outage', testMatch: /outage\.spec\.ts$/, dependencies: ['instances'] },
        ]
      : [
          { name: 'first-run', testMatch: /first-run\.spec\.ts/ },
          { name: 'crash', testMatch: /reliability\.spec\.ts/, dependencies: ['first-run'] },
          {
            name: 'app',
            testIgnore: [/first-run\.spec\.ts/, /reliability\.spec\.ts/, /instances\.spec\.ts/, /outage\.spec\.ts/],
            dependencies: ['first-run'],
          },
        ],
  webServer: {
    command: 'node scripts/e2e-server.mjs',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      E2E_PORT: String(port),
      GOOGLE_CLIENT_ID: googlePeer.clientId,
      GOOGLE_CLIENT_SECRET: googlePeer.clientSecret,
      GOOGLE_ISSUER: `http://localhost:${googlePeer.port}`,
      GATEHOUSE_SECURITY_CONTACT: 'security@gatehouse.test',
      NEXTAUTH_SECRET: sessionSecret,
    },
    stdout: 'pipe',
  },
});
