// OIDC single sign-on end to end: a real OpenID provider (oidc-provider, started by this spec on
// localhost), an admin connecting it in Settings, and people signing in from the organization's
// sign-in page — SP-initiated, through the IdP's login form, back with a session.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { startOidcPeer, type OidcPeer } from '../../lib/test/oidc-peer';
import { expect, newOrgAccount, signOut, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';

const base = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
let peer: OidcPeer;
// Each test drives several browsers through the IdP and back (one took two minutes on a busy CI
// machine): more steps than the default budget.
test.describe.configure({ timeout: 300_000 });

test.beforeAll(async () => {
  peer = await startOidcPeer(`${base}/api/sso/oidc/callback`);
});
test.afterAll(() => peer?.close());

function idpAccount(name: string, groups: string[] = []) {
  const sub = `${name.toLowerCase().replace(/\s+/g, '-')}-${randomBytes(3).toString('hex')}`;
  peer.accounts.set(sub, { sub, email: `${sub}@idp.test`, name, groups });
  return { sub, email: `${sub}@idp.test` };
}

async function connectSso(page: Page, opts: { jit: boolean; mappings?: string }) {
  await page.goto('/settings/sso');
  await expect(page.getByTestId('sso-redirect-url')).toHaveText(`${base}/api/sso/oidc/callback`);
  await page.getByLabel('Discovery URL').fill(peer.discoveryUrl);
  await page.getByLabel('Client ID').fill(peer.clientId);
  await page.getByLabel('Client secret').fill(peer.clientSecret);
  if (opts.jit) await page.getByLabel('Just-in-time provisioning').check();
  if (opts.mappings) await page.getByLabel('Group mapping').fill(opts.mappings);
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  // Write-only: after saving, the page never shows the secret again.
  await page.reload();
  await expect(page.getByLabel('Client secret')).toHaveValue('');
  await expect(page.getByLabel('Client secret')).toHaveAttribute('placeholder', /Stored/);
  expect(await page.content()).not.toContain(peer.clientSecret);
}

async function signInAtIdp(page: Page, slug: string, sub: string) {
  await page.goto(`/sign-in/${slug}`);
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await page.getByLabel('IdP username').fill(sub);
  await page.getByRole('button', { name: 'Sign in at IdP' }).click();
}

test('an admin connects an OIDC provider; a new person signs in with SSO, is provisioned and mapped', async ({ page, browser }) => {
  const account = newOrgAccount('Sso');
  await signUp(page, account);
  await connectSso(page, { jit: true, mappings: 'gatehouse-admins => Admin' });
  await signOut(page);

  const ada = idpAccount('Ada Lovelace', ['gatehouse-admins']);
  const other = await (await browser.newContext()).newPage();
  await signInAtIdp(other, account.slug, ada.sub);
  await expect(other.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
  // Mapped into Admin by the groups claim: settings are open to her.
  await other.goto('/settings/sso');
  await expect(other.getByRole('heading', { name: 'Single sign-on', exact: true })).toBeVisible();
  const audit = new AuditPage(other);
  await audit.goto();
  await expect(audit.rows('SSO_JIT_USER_CREATED').first()).toBeVisible();
  await expect(audit.rows('SSO_GROUP_MAPPING_APPLIED').first()).toBeVisible();
});

test('SSO refusals are explained on the sign-in page', async ({ page, browser }) => {
  const account = newOrgAccount('SsoNo');
  await signUp(page, account);
  await connectSso(page, { jit: false });

  // JIT off: an unknown person is refused with a clear message, and gets no session.
  const stranger = idpAccount('Grace Hopper');
  const other = await (await browser.newContext()).newPage();
  await signInAtIdp(other, account.slug, stranger.sub);
  await expect(other).toHaveURL(new RegExp(`/sign-in/${account.slug}\\?sso_error=unknown_user`));
  await expect(other.getByTestId('sso-error')).toContainText('You do not have an account in this organization yet');
  await other.goto('/');
  await expect(other).toHaveURL(/\/sign-in/);

  // Same email as the admin's password account: never linked silently, only offered a link that
  // needs the password (the next test). (A new browser: the IdP remembers who signed in at it.)
  const lookalike = idpAccount('Admin Lookalike');
  peer.accounts.set(lookalike.sub, { sub: lookalike.sub, email: account.email });
  const third = await (await browser.newContext()).newPage();
  await signInAtIdp(third, account.slug, lookalike.sub);
  await expect(third).toHaveURL(new RegExp(`/sign-in/${account.slug}/link$`));
  await third.goto('/');
  await expect(third).toHaveURL(/\/sign-in/);

  // A callback this browser did not start (no binding cookie, forged state).
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(`/api/sso/oidc/callback?code=forged&state=forged`);
  await expect(fresh).toHaveURL(/sso_error=missing_state/);

  // An unreachable provider: the button explains instead of failing.
  await page.goto('/settings/sso');
  await page.getByLabel('Discovery URL').fill('http://localhost:1/.well-known/openid-configuration');
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await fresh.goto(`/sign-in/${account.slug}`);
  await fresh.getByRole('button', { name: 'Sign in with SSO' }).click();
  await expect(fresh.getByTestId('sso-error')).toContainText('Your identity provider did not sign you in');
});

test('an existing password account links SSO by proving its password; then SSO signs it straight in', async ({ page, browser }) => {
  const account = newOrgAccount('SsoLink');
  await signUp(page, account);
  await connectSso(page, { jit: true });
  await signOut(page);

  const sub = idpAccount('Link Me').sub;
  peer.accounts.set(sub, { sub, email: account.email.toUpperCase(), name: 'Link Me' });
  const other = await (await browser.newContext()).newPage();
  await signInAtIdp(other, account.slug, sub);
  await expect(other).toHaveURL(new RegExp(`/sign-in/${account.slug}/link$`));
  await expect(other.getByText('An account with this email already exists')).toBeVisible();
  await expect(other.getByText(`${account.email} already has an account`)).toBeVisible();

  // The pending link is bound to that browser: another one has nothing to complete.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(`/sign-in/${account.slug}/link`);
  await expect(stranger.getByText('This link request has expired')).toBeVisible();

  await other.getByLabel('Password').fill('not-the-password');
  await other.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(other.getByTestId('form-error')).toContainText('That password or code is not right. 4 attempts left.');
  await other.goto('/');
  await expect(other).toHaveURL(/\/sign-in/);

  await other.goto(`/sign-in/${account.slug}/link`);
  await other.getByLabel('Password').fill(account.password);
  await other.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(other.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
  const audit = new AuditPage(other);
  await audit.goto();
  await expect(audit.rows('LINK_SSO_IDENTITY').first()).toBeVisible();

  // Used once: the link page is gone; the next SSO sign-in (a new browser) goes straight in.
  await other.goto(`/sign-in/${account.slug}/link`);
  await expect(other.getByText('This link request has expired')).toBeVisible();
  const next = await (await browser.newContext()).newPage();
  await signInAtIdp(next, account.slug, sub);
  await expect(next.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
});

test('email and groups read from a verified JWT access token, set in the connection form', async ({ page, browser }) => {
  const account = newOrgAccount('SsoAt');
  await signUp(page, account);
  await page.goto('/settings/sso');
  await page.getByLabel('Discovery URL').fill(peer.discoveryUrl);
  await page.getByLabel('Client ID').fill(peer.clientId);
  await page.getByLabel('Client secret').fill(peer.clientSecret);
  await page.getByLabel('Email claim').fill('ext.mail');
  await page.getByLabel('Read email from').selectOption('access_token');
  await page.getByLabel('Groups claim').fill('realm_access.roles');
  await page.getByLabel('Read groups from').selectOption('access_token');
  await page.getByLabel('Just-in-time provisioning').check();
  await page.getByLabel('Group mapping').fill('realm-admin => Admin');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Read email from')).toHaveValue('access_token');
  await signOut(page);

  const sub = `at-${randomBytes(3).toString('hex')}`;
  peer.accounts.set(sub, {
    sub,
    email: `${sub}@id.test`,
    name: 'Tok En',
    accessTokenClaims: { ext: { mail: `${sub}@access.test` }, realm_access: { roles: ['realm-admin'] } },
  });
  // An opaque access token cannot be read: refused with its own reason.
  const first = await (await browser.newContext()).newPage();
  await signInAtIdp(first, account.slug, sub);
  await expect(first).toHaveURL(/sso_error=access_token_not_jwt/);
  await expect(first.getByTestId('sso-error')).toContainText('not a JWT');

  peer.accessTokenFormat = 'jwt';
  try {
    const second = await (await browser.newContext()).newPage();
    await signInAtIdp(second, account.slug, sub);
    await expect(second.getByRole('heading', { name: 'Welcome, Tok' })).toBeVisible();
    // Mapped into Admin from the access token's realm roles; the account has the access token's email.
    await second.goto('/users');
    await expect(second.getByText('Disabling a user ends all their sessions at once.')).toBeVisible();
    await expect(second.getByText(`${sub}@access.test`).first()).toBeVisible();
  } finally {
    peer.accessTokenFormat = 'opaque';
  }
});
