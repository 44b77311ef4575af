// Environments, config variables and resources end to end: an admin adds an environment, a secret
// config variable (write-only), and a REST resource configured per environment whose connection
// test reaches a local API with the secret resolved on the server. Planted secrets never appear
// in pages, server action responses, the audit log or anything the server printed (its audit
// event stream included).
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envCatalogue } from '@/lib/env';
import { expect, newOrgAccount, signUp, test } from './fixtures';

// Loaded at run time: Playwright's transform turns a static import of an .mjs file into CommonJS.
const serverLog = async () => readFileSync((await import('../scripts/test-db.mjs')).e2eServerLogPath(process.env.E2E_PORT ?? 3100), 'utf8');

test('environments, a write-only secret variable, and a REST and a sample resource tested per environment', async ({ page }) => {
  const planted = {
    production: `prod-${randomBytes(6).toString('hex')}`,
    staging: `stage-${randomBytes(6).toString('hex')}`,
    direct: `direct-${randomBytes(6).toString('hex')}`,
  };
  const authorizations: string[] = [];
  const api = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization));
    res.writeHead(req.url?.startsWith('/locked') ? 401 : 200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  // Every server action's answer, read as it comes; one the browser no longer holds reads as null.
  const actionBodies: Promise<string | null>[] = [];
  page.on('response', (res) => {
    if (res.request().method() === 'POST') actionBodies.push(res.text().catch(() => null));
  });
  const noLeak = (text: string) => {
    for (const value of Object.values(planted)) expect(text).not.toContain(value);
  };

  try {
    await signUp(page, newOrgAccount('Resources'));

    await page.goto('/settings/environments');
    await expect(page.getByTestId('environments').locator('[data-environment]')).toHaveCount(2);
    await page.getByLabel('Environment name').fill('qa');
    await page.getByRole('button', { name: 'Add environment' }).click();
    await expect(page.getByTestId('environments').locator('[data-environment="qa"]')).toBeVisible();
    await expect(page.getByTestId('environments').locator('[data-environment="production"]')).toContainText('cannot be renamed or deleted');

    await page.goto('/settings/config-vars');
    await page.getByLabel('Variable name').fill('API_TOKEN');
    await page.getByRole('checkbox', { name: /Encrypted, write-only/ }).check();
    await page.getByRole('button', { name: 'Add variable' }).click();
    const variable = page.getByTestId('config-vars');
    await variable.getByLabel('API_TOKEN in production').fill(planted.production);
    await variable.getByLabel('API_TOKEN in staging').fill(planted.staging);
    await page.getByRole('button', { name: 'Save values' }).click();
    await expect(page.getByText('Saved (value:production, value:staging).')).toBeVisible();
    await page.reload();
    await expect(variable.getByLabel('API_TOKEN in production')).toHaveValue('');
    await expect(variable.getByLabel('API_TOKEN in production')).toHaveAttribute('placeholder', 'set — leave blank to keep');
    await expect(variable.getByLabel('API_TOKEN in qa')).toHaveAttribute('placeholder', 'not set');
    noLeak(await page.content());

    await page.goto('/resources');
    await page.getByLabel('New resource name').fill('Orders API');
    await page.getByRole('button', { name: 'Create resource' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Orders API' })).toBeVisible();

    const production = page.locator('[data-config-env="production"]');
    await production.getByLabel('Type').selectOption('rest');
    await production.getByLabel('Base URL').fill(`${apiUrl}/orders`);
    await production.getByLabel('Authentication').selectOption('bearer');
    await production.getByLabel('Bearer token', { exact: true }).fill('{{ environment.variables.API_TOKEN }}');
    await production.getByRole('button', { name: 'Save production' }).click();
    await expect(production.getByText(/^Saved \(/)).toBeVisible();
    await production.getByRole('button', { name: 'Test production connection' }).click();
    await expect(production.getByRole('status')).toHaveText('Connected: The API answered HTTP 200.');
    expect(authorizations.at(-1)).toBe(`Bearer ${planted.production}`);

    // Staging takes the same type; its token typed directly, and it is refused by the API.
    const staging = page.locator('[data-config-env="staging"]');
    await expect(staging.getByText('REST API', { exact: true })).toBeVisible();
    await staging.getByLabel('Base URL').fill(`${apiUrl}/locked`);
    await staging.getByLabel('Authentication').selectOption('bearer');
    await staging.getByLabel('Bearer token', { exact: true }).fill(planted.direct);
    await staging.getByRole('button', { name: 'Save staging' }).click();
    await expect(staging.getByText(/^Saved \(/)).toBeVisible();
    await staging.getByRole('button', { name: 'Test staging connection' }).click();
    await expect(staging.getByRole('status')).toHaveText('Failed: The API answered HTTP 401.');
    expect(authorizations.at(-1)).toBe(`Bearer ${planted.direct}`);

    await page.reload();
    await expect(page.locator('[data-config-env="staging"]').getByLabel('Bearer token', { exact: true })).toHaveAttribute(
      'placeholder',
      'set — leave blank to keep',
    );
    await expect(page.locator('[data-config-env="qa"]')).toContainText('not configured');
    noLeak(await page.content());

    // A saved choice shows as saved, right after the save and after a reload.
    await page.goto('/resources');
    await page.getByLabel('New resource name').fill('Warehouse DB');
    await page.getByRole('button', { name: 'Create resource' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Warehouse DB' })).toBeVisible();
    const warehouse = page.locator('[data-config-env="production"]');
    await warehouse.getByLabel('Type').selectOption('postgres');
    await warehouse.getByLabel('Host', { exact: true }).fill('db.internal.test');
    await warehouse.getByLabel('Database', { exact: true }).fill('warehouse');
    await warehouse.getByLabel('User', { exact: true }).fill('reader');
    await warehouse.getByLabel('SSL mode').selectOption('disable');
    await warehouse.getByRole('button', { name: 'Save production' }).click();
    await expect(warehouse.getByText(/^Saved \(/)).toBeVisible();
    await expect(warehouse.getByLabel('SSL mode')).toHaveValue('disable');
    await expect(warehouse.getByLabel('Host', { exact: true })).toHaveValue('db.internal.test');
    await page.reload();
    await expect(page.locator('[data-config-env="production"]').getByLabel('SSL mode')).toHaveValue('disable');

    await page.goto('/resources');
    await page.getByRole('button', { name: 'Add the sample database' }).click();
    await page.getByRole('link', { name: 'Sample database' }).click();
    const sample = page.locator('[data-config-env="staging"]');
    await expect(sample).toContainText('Sample database');
    await sample.getByRole('button', { name: 'Test staging connection' }).click();
    await expect(sample.getByRole('status')).toHaveText('Connected: Connected to the sample database (10 orders).');

    const audit = await page.request.get('/api/internal/audit-export?format=ndjson');
    expect(audit.ok()).toBe(true);
    const auditText = await audit.text();
    expect(auditText).toContain('UPDATE_RESOURCE_CONFIG');
    expect(auditText).toContain('TEST_RESOURCE_CONNECTION');
    noLeak(auditText);
    // Only the answers that could be read are checked, and there must be several.
    const read = (await Promise.all(actionBodies)).filter((body): body is string => body !== null);
    expect(read.length).toBeGreaterThanOrEqual(3);
    for (const body of read) noLeak(body);

    // The server printed this test's events (the stream is on for browser tests), and no secret.
    const orgId = JSON.parse(auditText.split('\n')[0]!).organizationId as string;
    await expect
      .poll(
        async () => (await serverLog()).includes(`"organizationId":"${orgId}"`) && (await serverLog()).includes('TEST_RESOURCE_CONNECTION'),
      )
      .toBe(true);
    noLeak(await serverLog());
  } finally {
    api.closeAllConnections();
    api.close();
  }
});

test('the browser bundle holds no server configuration: no environment variable Gatehouse reads is named in it', () => {
  const dir = path.join(process.cwd(), '.next', 'static');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && /\.(js|css|json)$/.test(f.name));
  expect(files.length).toBeGreaterThan(10);
  const bundle = files.map((f) => readFileSync(path.join(f.parentPath, f.name), 'utf8')).join('\n');
  expect(bundle).toContain('Run saves the draft first'); // our own client code is in what was read
  // NEXTAUTH_URL is the site's public address, which next-auth's client code reads by design.
  const named = envCatalogue.map((v) => v.name).filter((name) => name !== 'NEXTAUTH_URL' && new RegExp(`\\b${name}\\b`).test(bundle));
  expect(named).toEqual([]);
});
