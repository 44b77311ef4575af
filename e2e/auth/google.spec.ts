// Sign in with Google end to end, with a local OpenID provider standing in for Google (the server
// is started with GOOGLE_ISSUER pointing at it; see playwright.config.ts). An admin turns Google on
// with a domain restriction and JIT; a Workspace user of that domain gets in; an unverified email,
// another domain and an ID token without this sign-in's nonce are refused with their messages and
// no session.
import { randomBytes } from 'node:crypto';
import type { Browser } from '@playwright/test';
import { startOidcPeer, type OidcPeer } from '../../lib/test/oidc-peer';
import { googlePeer } from '../google-peer';
import { expect, newOrgAccount, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';

const base = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
let peer: OidcPeer;

test.beforeAll(async () => {
  peer = await startOidcPeer(`${base}/api/auth/callback/google`, googlePeer);
});
test.afterAll(() => peer?.close());

function googleAccount(extra: { email_verified?: boolean; hd?: string }) {
  const sub = `1${randomBytes(6).readUIntBE(0, 6)}`;
  const email = `grace-${sub}@${extra.hd ?? 'gmail.test'}`;
  peer.accounts.set(sub, { sub, email, name: 'Grace Hopper', ...extra });
  return { sub, email };
}

/** A fresh browser: the stand-in for Google remembers who signed in at it. */
async function signInWithGoogle(browser: Browser, slug: string, sub: string) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/sign-in/${slug}`);
  await page.getByRole('button', { name: 'Sign in with Google' }).click();
  await page.getByLabel('IdP username').fill(sub);
  await page.getByRole('button', { name: 'Sign in at IdP' }).click();
  return page;
}

test('Google sign-in: a verified account of an allowed domain gets in; others are refused', async ({ page, browser }) => {
  const account = newOrgAccount('Google');
  await signUp(page, account);
  await page.goto('/settings/authentication');
  await page.getByLabel('Offer “Sign in with Google”').check();
  await page.getByLabel('Allowed Google Workspace domains').fill('corp.test');
  await page.getByLabel(/Google just-in-time provisioning/).check();
  await page.getByRole('button', { name: 'Update Google sign-in' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  const grace = googleAccount({ hd: 'corp.test' });
  const signedIn = await signInWithGoogle(browser, account.slug, grace.sub);
  await expect(signedIn.getByRole('heading', { name: 'Welcome, Grace' })).toBeVisible();

  const unverified = googleAccount({ hd: 'corp.test', email_verified: false });
  const refused = await signInWithGoogle(browser, account.slug, unverified.sub);
  await expect(refused).toHaveURL(new RegExp(`/sign-in/${account.slug}\\?google_error=email_not_verified`));
  await expect(refused.getByTestId('sso-error')).toContainText('Google has not verified your email address');
  await refused.goto('/');
  await expect(refused).toHaveURL(/\/sign-in/);

  const outsider = googleAccount({ hd: 'elsewhere.test' });
  const other = await signInWithGoogle(browser, account.slug, outsider.sub);
  await expect(other.getByTestId('sso-error')).toContainText('accepts Google accounts of its own domains only');

  // Every start sends a fresh nonce; an ID token without it is refused, even for a known account.
  const starts: string[] = [];
  const watch = await (await browser.newContext()).newPage();
  watch.on('request', (r) => {
    if (r.url().startsWith(`${peer.issuer}/auth`)) starts.push(new URL(r.url()).searchParams.get('nonce') ?? '');
  });
  await watch.goto(`/sign-in/${account.slug}`);
  await watch.getByRole('button', { name: 'Sign in with Google' }).click();
  await expect(watch.getByLabel('IdP username')).toBeVisible();
  peer.tamper = 'no_nonce';
  try {
    const replayed = await signInWithGoogle(browser, account.slug, grace.sub);
    await expect(replayed).toHaveURL(new RegExp(`/sign-in/${account.slug}\\?google_error=id_token_nonce_missing`));
    await expect(replayed.getByTestId('sso-error')).toContainText('did not belong to this sign-in');
    await replayed.goto('/');
    await expect(replayed).toHaveURL(/\/sign-in/);
  } finally {
    peer.tamper = 'none';
  }
  expect(starts).toHaveLength(1);
  expect(starts[0]).toMatch(/^.{32,}$/);

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('GOOGLE_JIT_USER_CREATED').first()).toBeVisible();
});

test('a Google account with an existing account’s email links only with that account’s password', async ({ page, browser }) => {
  const account = newOrgAccount('GLink');
  await signUp(page, account);
  await page.goto('/settings/authentication');
  await page.getByLabel('Offer “Sign in with Google”').check();
  await page.getByRole('button', { name: 'Update Google sign-in' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  const sub = `1${randomBytes(6).readUIntBE(0, 6)}`;
  peer.accounts.set(sub, { sub, email: account.email, name: 'Admin Google' });
  const linking = await signInWithGoogle(browser, account.slug, sub);
  await expect(linking).toHaveURL(new RegExp(`/sign-in/${account.slug}/link$`));
  await expect(linking.getByText('An account with this email already exists')).toBeVisible();
  await linking.getByLabel('Password').fill('wrong password');
  await linking.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(linking.getByTestId('form-error')).toContainText('not right');
  await linking.getByLabel('Password').fill(account.password);
  await linking.getByRole('button', { name: 'Link and sign in' }).click();
  await expect(linking.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();

  const again = await signInWithGoogle(browser, account.slug, sub);
  await expect(again.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('LINK_SSO_IDENTITY').first()).toBeVisible();
});
