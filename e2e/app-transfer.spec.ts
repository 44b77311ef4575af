// Apps move between organizations (and instances) as export documents (issue 23, decision 0030):
// an owner downloads an app from the dashboard; another organization's admin imports it, is told
// by name which resource is missing and nothing is created, adds it, imports again as a release,
// and the app runs there on their own resource.
import { readFile } from 'node:fs/promises';
import { addSampleDatabase, createApp, expect, newOrgAccount, signUp, test } from './fixtures';

test('an app exported from one organization imports into another and runs on its resource of the same name', async ({ page, browser }) => {
  await signUp(page, newOrgAccount('Exporter'));
  const sampleId = await addSampleDatabase(page);
  const appId = await createApp(page, 'Stock');
  const definition = {
    pages: [{ name: 'main', components: [{ type: 'table', name: 'stock', query: 'stockRows', pageSize: 5 }] }],
    queries: [{ type: 'sql', name: 'stockRows', resourceId: sampleId, sql: 'select id, product from orders order by id limit 4' }],
  };
  expect((await page.request.put(`/api/apps/${appId}/draft`, { data: definition })).status()).toBe(200);

  await page.reload();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('stock.gatehouse-app.json');
  const text = await readFile((await download.path())!, 'utf8');
  const document = JSON.parse(text) as { format: string; version: number };
  expect(document).toMatchObject({ format: 'gatehouse.app', version: 1 });
  expect(text).toContain('Sample database');
  expect(text).not.toContain(sampleId);
  expect(text).not.toContain(appId);

  const importer = await (await browser.newContext()).newPage();
  await signUp(importer, newOrgAccount('Importer'));
  // A new organization's home lists its next steps, none done yet.
  const steps = importer.getByTestId('next-steps').locator('li');
  await expect(steps).toHaveCount(5);
  await expect(steps.and(importer.locator('[data-done="true"]'))).toHaveCount(0);
  await expect(steps.first().getByRole('link')).toHaveText('Connect a resource');
  await importer.goto('/apps');
  const form = importer.getByTestId('import-app-form');
  await form.getByLabel('Export document (JSON)').fill(text);
  await form.getByRole('checkbox', { name: 'Release it as the next version' }).check();
  await form.getByRole('button', { name: 'Import app' }).click();
  await expect(form.getByTestId('import-problems')).toContainText('Sample database');
  await importer.reload();
  await expect(importer.getByRole('link', { name: 'Stock', exact: true })).toHaveCount(0);

  await addSampleDatabase(importer);
  await importer.goto('/');
  await expect(importer.locator('[data-testid="next-steps"] li[data-done="true"]')).toHaveText([/Connect a resource/]);
  await importer.goto('/apps');
  await form.getByLabel('Export document (JSON)').fill(text);
  await form.getByRole('checkbox', { name: 'Release it as the next version' }).check();
  await form.getByRole('button', { name: 'Import app' }).click();
  await expect(form.getByTestId('import-done')).toContainText('released as version 1');
  await form.getByTestId('import-done').getByRole('link', { name: 'Stock' }).click();
  await expect(importer.getByRole('heading', { level: 1, name: 'Stock' })).toBeVisible();
  await importer.goto(`${importer.url()}/view`);
  await expect(importer.getByTestId('table-stock').locator('tbody tr')).toHaveCount(4);
  await importer.context().close();
});
