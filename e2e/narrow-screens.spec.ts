// The console on a phone (390 px) and a laptop (1440 px): the sidebar becomes a header above the
// page, and no page is wider than the screen (wide tables scroll inside their own box).
import { expect, test, type Page } from '@playwright/test';
import { newOrgAccount, signUp } from './fixtures';

const PAGES = ['/', '/apps', '/resources', '/users', '/groups', '/audit', '/settings', '/account', '/query-library', '/workflows'];

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('every console page fits a phone and a laptop screen', async ({ page }) => {
  await signUp(page, newOrgAccount('Narrow'));
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: 844 });
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      expect(await overflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
  // On a phone the content keeps (nearly) the whole width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/users');
  const main = await page.locator('main').boundingBox();
  expect(main!.width).toBeGreaterThanOrEqual(380);
});
