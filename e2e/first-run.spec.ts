import { expect, test } from './fixtures';
import { AuditPage } from './pages/audit-page';
import { SignInPage } from './pages/sign-in-page';

// Runs first, on an empty database (the other specs depend on this project).
test('a newcomer creates the first organization, signs out and signs back in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Create your organization' })).toBeVisible();

  await page.getByLabel('Organization name').fill('First Org');
  await expect(page.getByLabel('Organization URL name')).toHaveValue('first-org');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('too short');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByText('Enter a valid email address, like name@example.com.')).toBeVisible();
  await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
  await expect(page.getByLabel('Organization name')).toHaveValue('First Org');

  await page.getByLabel('Work email').fill('ada@first.test');
  await page.getByLabel('Password').fill('a much longer password');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
  await expect(page.getByTestId('org-name')).toHaveText('First Org');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in\/first-org$/);

  await page.goto('/setup');
  await expect(page).toHaveURL(/\/sign-in\/first-org$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\/first-org$/);

  const signIn = new SignInPage(page);
  await signIn.signIn('ADA@first.test', 'a much longer password');
  await expect(page.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('CREATE_ORGANIZATION')).toHaveCount(1);
  await expect(audit.rows('SIGN_UP')).toHaveCount(1);
  await expect(audit.rows('LOGIN')).toHaveCount(2);
  await expect(audit.rows('LOGOUT')).toHaveCount(1);
  await expect(audit.rows('LOGIN').first()).toContainText('ada@first.test');
  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await expect(page.getByTestId('verify-result')).toHaveText('Intact: all 5 events are linked and unchanged.');
});
