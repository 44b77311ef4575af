import { expect, newOrgAccount, signOut, signUp, submitOrganizationForm, test } from '../fixtures';
import { SignInPage } from '../pages/sign-in-page';

test('wrong password, unknown email and the right password', async ({ page }) => {
  const account = newOrgAccount('Wrongpw');
  await signUp(page, account);
  await signOut(page);

  const signIn = new SignInPage(page);
  await signIn.signIn(account.email, 'not the password at all');
  await expect(signIn.error).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(new RegExp(`/sign-in/${account.slug}$`));

  await signIn.signIn(`nobody-${account.email}`, account.password);
  await expect(signIn.error).toHaveText('Incorrect email or password.');

  await signIn.signIn(account.email, account.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
});

test('the sign-in page remembers the organization and can switch', async ({ page }) => {
  const account = newOrgAccount('Remember');
  await signUp(page, account);
  await signOut(page);

  await page.goto('/sign-in');
  await expect(page).toHaveURL(new RegExp(`/sign-in/${account.slug}$`));
  await expect(page.getByRole('heading', { name: `Sign in to ${account.name}` })).toBeVisible();

  await page.getByRole('link', { name: 'Choose another' }).click();
  await page.getByLabel('Organization').fill('no-such-org-here');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('No organization uses that name.')).toBeVisible();

  await page.getByLabel('Organization').fill(account.slug.toUpperCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/sign-in/${account.slug}$`));
});

test('a page visited while signed out is reached after signing in', async ({ page }) => {
  const account = newOrgAccount('Callback');
  await signUp(page, account);
  await signOut(page);

  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\/callback-[0-9a-f]+\?callbackUrl=%2Faccount$/);
  await new SignInPage(page).signIn(account.email, account.password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
});

test('sign-up explains what is wrong with the organization URL', async ({ page }) => {
  const first = newOrgAccount('Taken');
  await signUp(page, first);
  await signOut(page);

  await page.goto('/signup');
  await submitOrganizationForm(page, { ...newOrgAccount('Other'), slug: first.slug });
  await expect(page.getByText('That URL is already taken. Choose another.')).toBeVisible();

  await page.getByLabel('Organization URL name').fill('settings');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByText('That URL is reserved. Choose another.')).toBeVisible();
});

test('before its script runs, a sign-in form cannot be submitted, and never puts the password in a URL', async ({ page }) => {
  const account = newOrgAccount('Nojs');
  await signUp(page, account);
  await signOut(page);

  // The page as the server sent it, with none of its JavaScript: what a slow network shows first.
  await page.route('**/_next/static/**/*.js', (route) => route.abort());
  await page.goto(`/sign-in/${account.slug}`);
  const form = page.locator('form', { has: page.getByLabel('Password') });
  await expect(form).toHaveAttribute('method', 'post');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeDisabled();
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(new RegExp(`/sign-in/${account.slug}$`));

  // Once the script arrives, the same form works.
  await page.unrouteAll();
  await page.reload();
  await new SignInPage(page).signIn(account.email, account.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
});
