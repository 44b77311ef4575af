// Enforce SSO end to end: an admin with two-factor connects a real OpenID provider (started on
// localhost), someone signs in with SSO, the admin makes themself break-glass and enforces SSO.
// Then the sign-in page hides the password form, a member's password is refused, and the
// break-glass admin gets in with password and code.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { totpCode } from '../../lib/auth/totp';
import { startOidcPeer, type OidcPeer } from '../../lib/test/oidc-peer';
import { acceptInvite, expect, invite, newOrgAccount, signOut, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';

const base = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
let peer: OidcPeer;

test.beforeAll(async () => {
  peer = await startOidcPeer(`${base}/api/sso/oidc/callback`);
});
test.afterAll(() => peer?.close());

async function enroll(page: Page): Promise<string> {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = ((await page.getByTestId('totp-manual-key').textContent()) ?? '').replace(/\s/g, '');
  await page.getByLabel('Code from your authenticator app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  return secret;
}

test('enforced SSO refuses password sign-in, except a break-glass admin with their code', async ({ page, browser }) => {
  const account = newOrgAccount('Enforce');
  await signUp(page, account);
  const memberEmail = `member-${randomBytes(3).toString('hex')}@enforce.test`;
  const member = await acceptInvite(browser, await invite(page, memberEmail), 'Mem', 'member password 123');
  await member.context().close();
  const secret = await enroll(page);

  // Enforcing before anyone signed in with SSO is refused.
  await page.goto('/settings/authentication');
  await page.getByLabel(/Enforce SSO/).check();
  await page.getByRole('button', { name: 'Update enforcement' }).click();
  await expect(page.getByTestId('action-error')).toContainText('SSO connection');

  // Connect the provider (with JIT) and sign someone in through it.
  await page.goto('/settings/sso');
  await page.getByLabel('Discovery URL').fill(peer.discoveryUrl);
  await page.getByLabel('Client ID').fill(peer.clientId);
  await page.getByLabel('Client secret').fill(peer.clientSecret);
  await page.getByLabel('Just-in-time provisioning').check();
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  const sub = `sso-${randomBytes(3).toString('hex')}`;
  peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name: 'Sso Person' });
  const ssoUser = await (await browser.newContext()).newPage();
  await ssoUser.goto(`/sign-in/${account.slug}`);
  await ssoUser.getByRole('button', { name: 'Sign in with SSO' }).click();
  await ssoUser.getByLabel('IdP username').fill(sub);
  await ssoUser.getByRole('button', { name: 'Sign in at IdP' }).click();
  await expect(ssoUser.getByRole('heading', { name: 'Welcome, Sso' })).toBeVisible();
  await ssoUser.context().close();

  // Break-glass designation, then enforcement.
  await page.goto('/settings/authentication');
  await expect(page.getByTestId('last-sso-sign-in')).toContainText('Last SSO sign-in');
  const me = page.getByTestId('break-glass-admins').locator(`tr[data-email="${account.email}"]`);
  await me.getByRole('button', { name: 'Make break-glass' }).click();
  await expect(me).toContainText('break-glass');
  await page.getByLabel(/Enforce SSO/).check();
  await page.getByRole('button', { name: 'Update enforcement' }).click();
  await expect(page.getByText('SSO enforced')).toBeVisible();
  await signOut(page);

  // The password form is behind "Break-glass sign-in"; a member's right password is refused.
  await page.goto(`/sign-in/${account.slug}`);
  await expect(page.getByRole('button', { name: 'Sign in with SSO' })).toBeVisible();
  await expect(page.getByLabel('Password')).toBeHidden();
  await page.getByText('Break-glass sign-in').click();
  await page.getByLabel('Email').fill(memberEmail);
  await page.getByLabel('Password').fill('member password 123');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('form-error')).toContainText('This organization signs in with SSO');

  // The break-glass admin: password, then the code.
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in\/two-factor/);
  await page.getByLabel('Authentication code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('SSO_ENFORCED').first()).toBeVisible();
  await expect(audit.rows('BREAK_GLASS_ADMIN_UPDATED').first()).toBeVisible();
});
