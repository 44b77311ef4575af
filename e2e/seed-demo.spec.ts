// `gatehouse seed demo` end to end: the CLI seeds a fresh database, a server of this test's own
// (port E2E_PORT + 60) serves it, and each viewer signs in, lands on the Orders workspace and sees
// only their own orders. The seeded editor then uses the query library page (field errors, create,
// a new version, pinned in the app editor, delete), which the viewers cannot open.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { expect, test } from './fixtures';
import { SignInPage } from './pages/sign-in-page';

const port = Number(process.env.E2E_PORT ?? 3100) + 60;
const origin = `http://127.0.0.1:${port}`;

// Loaded at run time: Playwright's transform turns a static import of an .mjs file into CommonJS.
const scripts = async () => ({ ...(await import('../scripts/test-db.mjs')), ...(await import('../scripts/build.mjs')) });

let server: ChildProcess | undefined;
let cleanup: (() => Promise<void>) | undefined;
test.afterAll(async () => {
  const s = server;
  if (s && s.exitCode === null && s.signalCode === null) {
    const exited = new Promise((r) => s.once('exit', r));
    process.kill(-s.pid!, 'SIGTERM');
    // A loaded machine can take a while to stop; the database is thrown away anyway.
    const force = setTimeout(() => process.kill(-s.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }
  await cleanup?.();
});

type Seed = {
  organization: { slug: string };
  users: { role: string; email: string; password: string; name: string }[];
  app: { id: string };
};

async function signedIn(browser: Browser, slug: string, email: string, password: string) {
  const page = await (await browser.newContext({ baseURL: origin })).newPage();
  const signIn = new SignInPage(page);
  await signIn.goto(slug);
  await signIn.signIn(email, password);
  return page;
}

test('each demo viewer sees their own orders; the demo editor keeps the query library', async ({ browser }) => {
  test.setTimeout(300_000);
  const { serverScript, root, createTestDatabase, dropTestDatabase, testSecrets } = await scripts();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', NEXTAUTH_URL: origin };
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const db = await createTestDatabase(serverUrl, 'seeddemo');
    Object.assign(env, testSecrets(), { DATABASE_URL: db.url });
    cleanup = () => dropTestDatabase(serverUrl, db.name);
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-seed-'));
    delete env.DATABASE_URL;
    env.GATEHOUSE_DATA_DIR = dir;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  // Seeded before the server starts: the embedded database has one process at a time.
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gatehouse.mjs'), 'seed', 'demo', '--slug', 'demo-e2e', '--json'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const seed = JSON.parse(r.stdout) as Seed;
  const log = fs.openSync(test.info().outputPath('server.log'), 'a');
  server = spawn(process.execPath, [serverScript, '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  await expect
    .poll(
      () =>
        fetch(`${origin}/api/health`).then(
          (x) => x.status,
          () => 0,
        ),
      { timeout: 90_000 },
    )
    .toBe(200);

  const user = (email: string) => seed.users.find((u) => u.email === email)!;
  const orders = { 'alice@example.com': ['1001', '1009'], 'bob@example.com': ['1002', '1010'] } as const;
  for (const [email, [first, last]] of Object.entries(orders)) {
    const other = email.startsWith('alice') ? orders['bob@example.com'] : orders['alice@example.com'];
    const page = await signedIn(browser, seed.organization.slug, email, user(email).password);
    // Their workspace homepage: the Orders app.
    await expect(page).toHaveURL(new RegExp(`/apps/${seed.app.id}/view$`));
    await expect(page.getByText(`Orders handled by ${user(email).name} (${email})`)).toBeVisible();
    const table = page.getByTestId('table-ordersTable');
    await expect(table.locator('tbody tr')).toHaveCount(5);
    const cell = (id: string) => table.getByRole('cell', { name: id, exact: true });
    await expect(cell(first)).toBeVisible();
    await expect(cell(last)).toBeVisible();
    await expect(cell(other[0])).toHaveCount(0);
    await expect(cell(other[1])).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Query library' })).toHaveCount(0);
    await page.goto('/query-library');
    await expect(page.getByTestId('no-access')).toHaveText('None of your groups has access to the query library.');
    await page.context().close();
  }

  const editor = await signedIn(browser, seed.organization.slug, 'editor@example.com', user('editor@example.com').password);
  await editor.getByRole('link', { name: 'Query library' }).click();
  await expect(editor.getByRole('heading', { name: 'Query library' })).toBeVisible();
  await editor.getByLabel('Name').fill('Orders by status');
  await editor.getByLabel('Resource').selectOption({ label: 'Sample database' });
  await editor.getByLabel('SQL').fill("select * from orders where status = '{{ status.value }}'");
  await editor.getByRole('button', { name: 'Create query' }).click();
  await expect(editor.locator('#field-sql-error')).toContainText('quoted string');
  await editor.getByLabel('SQL').fill('select * from orders where status = {{ status.value }}');
  await editor.getByLabel('Disable logging for').fill('status');
  await editor.getByRole('button', { name: 'Create query' }).click();
  await expect(editor.getByRole('heading', { level: 1, name: 'Orders by status' })).toBeVisible();
  await editor.getByLabel('SQL').fill('select id, status from orders where status = {{ status.value }}');
  await editor.getByRole('button', { name: 'Save query' }).click();
  await expect(editor.getByTestId('saved')).toHaveText('Saved as version 2.');
  await expect(editor.getByTestId('library-query-versions').locator('tbody tr')).toHaveCount(2);

  // The app editor pins the library query at its newest version and runs it like its own.
  await editor.goto(`/apps/${seed.app.id}/edit`);
  await editor.getByLabel('Query type').selectOption('library');
  await editor.getByRole('button', { name: 'Add query' }).click();
  const queries = editor.getByRole('list', { name: 'Queries of this app' });
  await expect(queries).toContainText('Library');
  await expect(queries).toContainText('Orders by status v2');
  await expect(editor.getByLabel('Library query')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(editor.getByLabel('Version')).toHaveValue('2');
  await editor.getByLabel('Version').fill('1');
  await expect(editor.getByTestId('definition-valid')).toBeVisible();
  await editor.getByRole('region', { name: 'Queries' }).getByRole('button', { name: 'Run', exact: true }).click();
  await expect(editor.getByTestId('run-summary')).toContainText(/in production/);
  await editor.goto(`/query-library`);
  await editor.getByRole('link', { name: 'Orders by status' }).click();
  editor.once('dialog', (d) => void d.accept());
  await editor.getByRole('button', { name: 'Delete query' }).click();
  await editor.waitForURL(/\/query-library$/);
  await expect(editor.getByTestId('library-queries')).toContainText('No saved queries yet.');
});
