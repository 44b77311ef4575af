import type { Page } from '@playwright/test';
import { totpCode } from '../../lib/auth/totp';
import { acceptInvite, expect, invite, newOrgAccount, type OrgAccount, signOut, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';
import { SignInPage } from '../pages/sign-in-page';

const STEP_MS = 30_000;

/** Reads the manual key off the page, as someone typing it into an authenticator app would. */
async function manualKey(page: Page): Promise<string> {
  const text = await page.getByTestId('totp-manual-key').textContent();
  return (text ?? '').replace(/\s/g, '');
}

async function recoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByTestId('recovery-codes').locator('li');
  await expect(list).toHaveCount(10);
  return list.allTextContents();
}

/** Turns two-factor on from the account page; returns the seed and the recovery codes. */
async function enrollFromAccount(page: Page): Promise<{ secret: string; codes: string[] }> {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = await manualKey(page);
  await page.getByLabel('Code from your authenticator app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  const codes = await recoveryCodes(page);
  // Once on, only the codes remain, with a way to keep them.
  await expect(page.getByRole('img', { name: /QR code/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Turn on two-factor' })).toHaveCount(0);
  const download = page.getByRole('link', { name: 'Download as a text file' });
  await expect(download).toHaveAttribute('download', 'gatehouse-recovery-codes.txt');
  expect(decodeURIComponent((await download.getAttribute('href'))!)).toContain(codes.join('\n'));
  await expect(page.getByRole('button', { name: 'Copy codes' })).toBeVisible();
  return { secret, codes };
}

async function passwordStep(page: Page, account: OrgAccount): Promise<void> {
  const signIn = new SignInPage(page);
  await signIn.goto(account.slug);
  await signIn.signIn(account.email, account.password);
  await expect(page).toHaveURL(/\/sign-in\/two-factor/);
}

/** Sent to the password form: no session exists. */
async function expectSentToSignIn(page: Page, account: OrgAccount): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`/sign-in(/${account.slug})?(\\?|$)`));
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

test('enroll, then sign in with password and code; a used code and a used recovery code are refused', async ({ page }) => {
  const account = newOrgAccount('Totp');
  await signUp(page, account);
  const { secret, codes } = await enrollFromAccount(page);
  await page.goto('/account');
  await expect(page.getByTestId('two-factor')).toContainText('10 recovery codes left');
  await signOut(page);

  // The enrollment code's step is used up; the next step's code is within the ±1 window.
  const code = totpCode(secret, new Date(Date.now() + STEP_MS));
  await passwordStep(page, account);
  await enterCode(page, code);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
  await signOut(page);

  await passwordStep(page, account);
  await enterCode(page, code);
  await expect(page.getByTestId('form-error')).toContainText('already used. 4 attempts left');
  await enterCode(page, codes[0]!);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
  await page.goto('/account');
  await expect(page.getByTestId('two-factor')).toContainText('9 recovery codes left');
  await expect(page.getByTestId('sessions')).toContainText('with password and recovery code');
  await signOut(page);

  await passwordStep(page, account);
  await enterCode(page, codes[0]!);
  await expect(page.getByTestId('form-error')).toContainText('4 attempts left');
  await enterCode(page, codes[1]!);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('ENABLE_TWO_FACTOR_AUTH')).toHaveCount(1);
  await expect(audit.rows('RECOVERY_CODE_USED')).toHaveCount(2);
  await expect(audit.rows('LOGIN_FAILED')).toHaveCount(2);
});

test('after the password step nothing works without the code: pages, APIs and next-auth endpoints', async ({ page, browser }) => {
  const account = newOrgAccount('Skip');
  await signUp(page, account);
  const { secret } = await enrollFromAccount(page);

  const pending = await (await browser.newContext()).newPage();
  await passwordStep(pending, account);
  const noSession = async () => {
    const cookies = await pending.context().cookies();
    expect(cookies.map((c) => c.name)).not.toContain('next-auth.session-token');
    expect(await (await pending.request.get('/api/auth/session')).json()).toEqual({});
  };
  await noSession();

  for (const path of ['/', '/account', '/users', '/settings/authentication']) {
    await pending.goto(path);
    await expectSentToSignIn(pending, account);
  }
  expect((await pending.request.get('/api/internal/access-review')).status()).toBe(401);

  // Calling next-auth directly: the password again, or the second-factor provider without a right code.
  const { csrfToken } = (await (await pending.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  await pending.request.post('/api/auth/callback/credentials', {
    form: { csrfToken, orgSlug: account.slug, email: account.email, password: account.password, json: 'true' },
  });
  await pending.request.post('/api/auth/callback/second-factor', { form: { csrfToken, code: '', json: 'true' } });
  await pending.request.post('/api/auth/callback/second-factor', { form: { csrfToken, code: '000000', json: 'true' } });
  await noSession();

  // A second browser cannot finish someone else's pending sign-in: the challenge is bound to the first one's cookie.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/sign-in/two-factor');
  await expect(stranger.getByRole('heading', { name: 'Sign in again' })).toBeVisible();

  await pending.goto('/sign-in/two-factor');
  await enterCode(pending, totpCode(secret, new Date(Date.now() + STEP_MS)));
  await expect(pending.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
});

test('an organization that requires two-factor makes users enroll at their next sign-in', async ({ page }) => {
  const account = newOrgAccount('Require');
  await signUp(page, account);
  await page.goto('/settings/authentication');
  await page.getByLabel('Require two-factor authentication for everyone').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await signOut(page);

  await passwordStep(page, account);
  await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  // Not signed in yet.
  await page.goto('/');
  await expectSentToSignIn(page, account);
  await page.goto('/sign-in/two-factor');

  const secret = await manualKey(page);
  await page.getByLabel('Authentication code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await recoveryCodes(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();

  // Required: it cannot be turned off from the account page.
  await page.goto('/account');
  await expect(page.getByTestId('two-factor')).toContainText('Your organization requires two-factor authentication');
  await signOut(page);

  await passwordStep(page, account);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await enterCode(page, totpCode(secret, new Date(Date.now() + STEP_MS)));
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
});

test('an admin resets a member’s two-factor: the member’s sessions end, and the reset is audited', async ({ page, browser }) => {
  const account = newOrgAccount('Reset');
  await signUp(page, account);
  const email = `mia-${account.slug}@example.test`;
  const password = 'mia has a long password';
  const member = await acceptInvite(browser, await invite(page, email), 'Mia', password);
  await enrollFromAccount(member);

  await page.goto('/users?twoFactor=on');
  const rows = page.getByTestId('users-table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-email', email);
  await expect(rows.first()).toContainText('2FA');
  await rows.first().getByRole('link').click();
  await expect(page.getByTestId('user-two-factor')).toContainText('On');
  await page.getByLabel('Reason for the reset').fill('lost phone');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Reset two-factor' }).click();
  await expect(page.getByTestId('user-two-factor')).toContainText('Off');

  await member.goto('/account');
  await expect(member).toHaveURL(/\/sign-in/);
  // Back to the password alone (the organization does not require 2FA).
  const signIn = new SignInPage(member);
  await signIn.goto(account.slug);
  await signIn.signIn(email, password);
  await expect(member).not.toHaveURL(/\/sign-in/);

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('DISABLE_TWO_FACTOR_AUTH')).toHaveCount(1);
});
