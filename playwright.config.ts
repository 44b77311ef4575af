import { execSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';
import { googlePeer } from './e2e/google-peer';

// The system Chromium (installed by .ci/run); Playwright never downloads a browser.
const executablePath = process.env.CHROMIUM_PATH || execSync('command -v chromium', { encoding: 'utf8' }).trim();
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

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
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--disable-quic', '--disable-sync', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [
    { name: 'first-run', testMatch: /first-run\.spec\.ts/ },
    { name: 'app', testIgnore: /first-run\.spec\.ts/, dependencies: ['first-run'] },
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
    },
    stdout: 'pipe',
  },
});
