import { expect, newOrgAccount, signUp, test } from './fixtures';

test('every section of the dashboard answers with its heading and marks its link current', async ({ page }) => {
  const account = newOrgAccount('Shell');
  await signUp(page, account);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const sections: [string, RegExp][] = [
    ['Apps', /Apps/],
    ['Resources', /Resources/],
    ['Workflows', /Workflows/],
    ['Users', /Users/],
    ['Groups', /Permission groups/],
    ['Audit log', /Audit log/],
    ['Settings', /Settings/],
    ['Home', new RegExp(`Welcome, ${account.firstName}`)],
  ];
  for (const [link, heading] of sections) {
    await nav.getByRole('link', { name: link, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole('link', { name: link, exact: true })).toHaveAttribute('aria-current', 'page');
  }
  for (const path of ['/apps', '/resources', '/workflows', '/users', '/groups', '/audit', '/settings', '/account']) {
    const res = await page.request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(200);
  }

  // Every settings page listed on /settings renders for an admin.
  await page.goto('/settings');
  const links = page.getByRole('main').getByRole('listitem').getByRole('link');
  const targets = await links.evaluateAll((as) => as.map((a) => [a.textContent ?? '', a.getAttribute('href') ?? '']));
  expect(targets.length).toBeGreaterThanOrEqual(7);
  for (const [title, href] of targets) {
    await page.goto(href!);
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  }
});
