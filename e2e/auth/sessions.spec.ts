import { expect, newOrgAccount, signedInPage, signOut, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';

test('a session revoked from another browser bounces to sign-in on its next request', async ({ page, browser }) => {
  const account = newOrgAccount('Revoke');
  await signUp(page, account);
  const other = await signedInPage(browser, account);

  await page.goto('/account');
  const sessions = page.getByTestId('sessions').locator('li');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'This session' })).toHaveCount(1);
  await sessions.filter({ hasNotText: 'This session' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(sessions).toHaveCount(1);

  await other.goto('/account');
  await expect(other).toHaveURL(new RegExp(`/sign-in/${account.slug}`));

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('REVOKE_SESSION')).toHaveCount(1);
});

test('signing out kills the session on the server, not just the cookie', async ({ page, browser }) => {
  const account = newOrgAccount('Signout');
  await signUp(page, account);
  const stolen = await page.context().storageState();

  await signOut(page);

  const replay = await (await browser.newContext({ storageState: stolen })).newPage();
  await replay.goto('/');
  await expect(replay).toHaveURL(/\/sign-in/);
  await expect(replay.getByRole('heading', { name: /Sign in/ })).toBeVisible();
});

test('next-auth’s own sign-out endpoint kills the session too: the old cookie no longer works', async ({ page, browser }) => {
  const account = newOrgAccount('AuthSignout');
  await signUp(page, account);
  const stolen = await page.context().storageState();

  const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const signedOut = await page.request.post('/api/auth/signout', { form: { csrfToken, json: 'true' } });
  expect(signedOut.ok()).toBe(true);

  const replay = await (await browser.newContext({ storageState: stolen })).newPage();
  await replay.goto('/account');
  await expect(replay).toHaveURL(/\/sign-in/);
});
