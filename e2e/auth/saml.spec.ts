// SAML single sign-on end to end: a tiny SAML identity provider started by this spec on
// localhost (a generated key and certificate; it answers Jackson's AuthnRequest redirect with an
// auto-submitting form POSTing a freshly signed SAMLResponse to our ACS URL), an admin
// connecting it in Settings, and a person signing in from the organization's sign-in page.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { makeSamlIdp, mintSamlResponse, postForm, readAuthnRequest, type MintOptions, type SamlIdp } from '../../lib/test/saml-idp';
import { expect, newOrgAccount, signOut, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';

const base = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
const acsUrl = `${base}/api/sso/saml/acs`;

let server: http.Server;
let idp: SamlIdp;
/** Who the IdP signs in next (the test sets it; a real IdP would ask). */
let nextUser: { sub: string; email: string; name: string; groups: string[] } | null = null;
/** How the IdP spoils its next answer, to see a refusal (none by default). */
let nextOptions: Partial<MintOptions> = {};

test.beforeAll(async () => {
  server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/sso' || !url.searchParams.has('SAMLRequest')) {
        res.writeHead(404).end();
        return;
      }
      const { requestId, relayState, acsUrl: requestedAcs } = await readAuthnRequest(url.href);
      if (!nextUser || !requestId || requestedAcs !== acsUrl) {
        res.writeHead(400).end('unexpected request');
        return;
      }
      const response = mintSamlResponse(idp, {
        acsUrl,
        requestId,
        nameId: nextUser.sub,
        attributes: { email: nextUser.email, name: nextUser.name, groups: nextUser.groups },
        ...nextOptions,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(postForm(acsUrl, response, relayState));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  idp = makeSamlIdp('e2e', `http://localhost:${(server.address() as AddressInfo).port}/sso`);
});
test.afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

test('an admin connects a SAML IdP; a new person signs in SP-initiated, is provisioned and mapped', async ({ page, browser, request }) => {
  const account = newOrgAccount('Saml');
  await signUp(page, account);
  await page.goto('/settings/sso');
  await page.getByRole('link', { name: 'Use SAML instead' }).click();
  await expect(page.getByTestId('saml-acs-url')).toHaveText(acsUrl);
  await expect(page.getByTestId('saml-entity-id')).toHaveText('urn:gatehouse:sp');
  const metadata = await request.get('/api/sso/saml/metadata');
  expect(metadata.ok()).toBe(true);
  expect(await metadata.text()).toContain(`Location="${acsUrl}"`);

  // Over the size cap: refused by the ACS route before anything is parsed.
  const big = await request.post('/api/sso/saml/acs', { form: { SAMLResponse: 'A'.repeat(400 * 1024) }, maxRedirects: 0 });
  expect(big.status()).toBe(303);
  expect(big.headers().location).toContain('sso_error=saml_too_large');

  await page.getByLabel('IdP metadata XML').fill(idp.metadataXml);
  await page.getByLabel('Just-in-time provisioning').check();
  await page.getByLabel('Group mapping').fill('gatehouse-admins => Admin');
  await page.getByRole('button', { name: 'Add SAML connection' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('SAML connected')).toBeVisible();
  await expect(page.getByTestId('saml-idp-entity-id')).toHaveText(idp.entityId);

  // Test connection: SP-initiated through the IdP, back to the report; nobody signed in or created.
  const tester = `tess-${randomBytes(3).toString('hex')}`;
  nextUser = { sub: tester, email: `${tester}@idp.test`, name: 'Tess Ted', groups: ['gatehouse-admins'] };
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page).toHaveURL(/\/settings\/sso\/test$/);
  const report = page.getByTestId('sso-test-report');
  await expect(report).toContainText(tester);
  await expect(report).toContainText(`${tester}@idp.test`);
  await expect(report).toContainText('Tess Ted');
  await expect(report).toContainText('gatehouse-admins');
  await expect(page.getByTestId('sso-test-outcome')).toContainText('Creates a new user');
  await expect(report).toContainText('Admin');
  // A failing check is reported with its reason code.
  nextOptions = { destination: 'https://elsewhere.test/acs' };
  await page.goto('/settings/sso');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page).toHaveURL(/\/settings\/sso\/test$/);
  await expect(page.getByTestId('sso-test-reason')).toHaveText('saml_destination');
  nextOptions = {};
  // Still the admin's session; the tested person has no account.
  await page.goto('/users');
  await expect(page.getByText(account.email).first()).toBeVisible();
  await expect(page.getByText(`${tester}@idp.test`)).toHaveCount(0);
  await signOut(page);

  const sub = `ada-${randomBytes(3).toString('hex')}`;
  nextUser = { sub, email: `${sub}@idp.test`, name: 'Ada Lovelace', groups: ['gatehouse-admins'] };
  const other = await (await browser.newContext()).newPage();
  await other.goto(`/sign-in/${account.slug}`);
  await other.getByRole('button', { name: 'Sign in with SSO' }).click();
  await expect(other.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
  // Mapped into Admin by the groups attribute: settings are open to her.
  await other.goto('/settings/sso');
  await expect(other.getByRole('heading', { name: 'Single sign-on', exact: true })).toBeVisible();
  const audit = new AuditPage(other);
  await audit.goto();
  await expect(audit.rows('SSO_JIT_USER_CREATED').first()).toBeVisible();

  // The same response posted again from elsewhere (no binding cookie, IdP-initiated off) is refused.
  const third = await (await browser.newContext()).newPage();
  await third.setContent(
    postForm(acsUrl, mintSamlResponse(idp, { acsUrl, requestId: null, nameId: sub, attributes: { email: nextUser.email } }), ''),
  );
  await expect(third).toHaveURL(/sso_error=saml_idp_initiated_off/);
  await expect(third.getByTestId('sso-error')).toContainText('does not accept sign-ins started at the identity provider');

  // SHA-1 signatures are refused unless an admin (Ada, mapped into Admin) allows them; the page warns while they are.
  await other.goto('/settings/sso');
  await expect(other.getByTestId('saml-sha1-warning')).toHaveCount(0);
  await other.getByLabel('SHA-1 signatures').check();
  await other.getByRole('button', { name: 'Save SAML connection' }).click();
  await expect(other.getByText('Saved.')).toBeVisible();
  await other.reload();
  await expect(other.getByTestId('saml-sha1-warning')).toContainText('accepts SHA-1 signatures');
});
