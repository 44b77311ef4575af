// "Test connection" in the browser: an admin tests the OIDC connection from Settings, signs in at
// a real OpenID provider on localhost, and sees the claims and the would-be outcome; no session
// is created for the tested person.
import { randomBytes } from 'node:crypto';
import { startOidcPeer, type OidcPeer } from '../../lib/test/oidc-peer';
import { expect, newOrgAccount, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';

const base = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
let peer: OidcPeer;

test.beforeAll(async () => {
  peer = await startOidcPeer(`${base}/api/sso/oidc/callback`);
});
test.afterAll(() => peer?.close());

test('an admin tests the SSO connection and sees the claims; nobody is signed in', async ({ page }) => {
  const account = newOrgAccount('SsoTest');
  await signUp(page, account);
  await page.goto('/settings/sso');
  await page.getByLabel('Discovery URL').fill(peer.discoveryUrl);
  await page.getByLabel('Client ID').fill(peer.clientId);
  await page.getByLabel('Client secret').fill(peer.clientSecret);
  await page.getByLabel('Group mapping').fill('gatehouse-admins => Admin');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  const sub = `tested-${randomBytes(3).toString('hex')}`;
  peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name: 'Tess Ted', groups: ['gatehouse-admins'] });
  await page.reload();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByLabel('IdP username').fill(sub);
  await page.getByRole('button', { name: 'Sign in at IdP' }).click();

  await expect(page).toHaveURL(/\/settings\/sso\/test$/);
  const report = page.getByTestId('sso-test-report');
  await expect(report).toContainText(sub);
  await expect(report).toContainText(`${sub}@idp.test`);
  await expect(report).toContainText('Tess Ted');
  await expect(report).toContainText('gatehouse-admins');
  await expect(page.getByTestId('sso-test-outcome')).toContainText('just-in-time provisioning is off');
  await expect(report).toContainText('Admin');

  // Still the admin's own session; the tested person got none and no account.
  await page.goto('/account');
  await expect(page.getByText(account.email).first()).toBeVisible();
  await page.goto('/users');
  await expect(page.getByText(`${sub}@idp.test`)).toHaveCount(0);
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('SSO_CONNECTION_TESTED').first()).toBeVisible();
});
