// The console on a phone (390 px) and a laptop (1440 px): the sidebar becomes a header above the
// page, and no page is wider than the screen (wide tables scroll inside their own box). The pages
// this round changed are also checked with axe: nothing serious or critical at either width (the
// rest of the console is issue 25's).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { addSampleDatabase, createApp, expect, newOrgAccount, signUp, test } from './fixtures';

const PAGES = ['/', '/apps', '/resources', '/users', '/groups', '/audit', '/settings', '/account', '/query-library', '/workflows'];

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('every console page fits a phone and a laptop screen', async ({ page }) => {
  await signUp(page, newOrgAccount('Narrow'));
  // A resource's page, an app's page and a released app as its users see it (a table of rows).
  const sampleId = await addSampleDatabase(page);
  const appId = await createApp(page, 'Phone app');
  const definition = {
    pages: [{ name: 'main', components: [{ type: 'table', name: 'orders', query: 'rows', pageSize: 5 }] }],
    queries: [{ type: 'sql', name: 'rows', resourceId: sampleId, sql: 'select * from orders order by id' }],
  };
  expect((await page.request.put(`/api/apps/${appId}/draft`, { data: definition })).status()).toBe(200);
  expect((await page.request.post(`/api/apps/${appId}/releases`)).status()).toBe(201);
  const paths = [...PAGES, `/resources/${sampleId}`, `/apps/${appId}`, `/apps/${appId}/view`];
  const axeChecked = new Set(['/', '/apps', '/groups', '/account', `/resources/${sampleId}`, `/apps/${appId}`, `/apps/${appId}/view`]);
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: 844 });
    for (const path of paths) {
      await page.goto(path);
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      if (path.endsWith('/view')) await expect(page.getByTestId('table-orders').locator('tbody tr')).toHaveCount(5);
      expect(await overflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
      if (axeChecked.has(path)) {
        const { violations } = await new AxeBuilder({ page }).analyze();
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
        expect(serious, `axe on ${path} at ${width} px`).toEqual([]);
      }
    }
  }
  // On a phone the content keeps (nearly) the whole width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/users');
  const main = await page.locator('main').boundingBox();
  expect(main!.width).toBeGreaterThanOrEqual(380);
});
