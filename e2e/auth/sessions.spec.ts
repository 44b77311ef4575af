import { acceptInvite, expect, invite, newOrgAccount, signedInPage, signOut, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';
import { SignInPage } from '../pages/sign-in-page';

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

test('“Sign out everywhere” ends this browser’s session and another browser’s at its next request', async ({ page, browser }) => {
  const account = newOrgAccount('Everywhere');
  await signUp(page, account);
  const other = await signedInPage(browser, account);

  await page.goto('/account');
  await expect(page.getByTestId('sessions').locator('li')).toHaveCount(2);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(new RegExp(`/sign-in/${account.slug}$`));

  await other.goto('/account');
  await expect(other).toHaveURL(new RegExp(`/sign-in/${account.slug}`));

  const again = new SignInPage(page);
  await again.signIn(account.email, account.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('REVOKE_USER_SESSIONS')).toHaveCount(1);
});

test('an admin signs another user out everywhere from the user page; that user’s next request is refused', async ({ page, browser }) => {
  const account = newOrgAccount('AdminOut');
  await signUp(page, account);
  const email = `member@${account.slug}.test`;
  const member = await acceptInvite(browser, await invite(page, email), 'Mia', 'member password 12');
  await expect(member.getByRole('heading', { name: 'Welcome, Mia' })).toBeVisible();

  await page.goto('/users');
  await page.getByRole('row').filter({ hasText: email }).getByRole('link').click();
  const sessions = page.getByTestId('user-sessions').locator('li');
  await expect(sessions).toHaveCount(1);
  await expect(sessions).toContainText('signed in');
  await expect(sessions).toContainText('with password');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page.getByText('No active sessions.')).toBeVisible();

  await member.goto('/account');
  await expect(member).toHaveURL(new RegExp(`/sign-in/${account.slug}`));
  // The admin's own session is untouched.
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
});

test('changing one’s password signs out the other browser, and keeps this one', async ({ page, browser }) => {
  const account = newOrgAccount('Passwd');
  await signUp(page, account);
  const other = await signedInPage(browser, account);

  await page.goto('/account');
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('action-error')).toHaveText('That password is not right.');
  await page.getByLabel('Current password').fill(account.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toHaveText('Password changed. 1 other session signed out.');

  await other.goto('/account');
  await expect(other).toHaveURL(new RegExp(`/sign-in/${account.slug}`));
  await page.reload();
  await expect(page.getByTestId('sessions').locator('li')).toHaveCount(1);
});
