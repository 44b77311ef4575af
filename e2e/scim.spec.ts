// SCIM end to end: an admin creates a directory in Settings, an IdP (here: Playwright's HTTP
// client) provisions over real HTTP with the token shown once, and the admin sees the result.
import http from 'node:http';
import { expect, newOrgAccount, signUp, test } from './fixtures';
import { AuditPage } from './pages/audit-page';

const SCIM = 'application/scim+json';

/** POSTs `bytes` of body in chunks with no Content-Length, as a streaming client would. */
function postChunked(url: string, token: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': SCIM } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

test('a directory made in Settings provisions users and groups over HTTP, read-only in the UI', async ({ page, request }) => {
  const account = newOrgAccount('Scim');
  await signUp(page, account);
  await page.goto('/settings/scim');
  await page.getByLabel('Directory name').fill('Okta');
  await page.getByRole('button', { name: 'Create directory' }).click();
  const baseUrl = await page.getByLabel('SCIM base URL').inputValue();
  const token = await page.getByLabel('SCIM token').inputValue();
  expect(baseUrl).toMatch(/\/api\/scim\/v2\/[0-9a-f-]{36}$/);
  expect(token).toMatch(/^ghs_/);
  const headers = { authorization: `Bearer ${token}`, 'content-type': SCIM };

  const email = `linus-${account.slug}@example.test`;
  const user = await request.post(`${baseUrl}/Users`, {
    headers,
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Linus', familyName: 'Okta' },
      emails: [{ value: email, primary: true }],
      active: true,
    },
  });
  expect(user.status()).toBe(201);
  expect(user.headers()['content-type']).toContain(SCIM);
  const userId = (await user.json()).id;
  const group = await request.post(`${baseUrl}/Groups`, {
    headers,
    data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Okta Engineers', members: [{ value: userId }] },
  });
  expect(group.status()).toBe(201);
  const groupId = (await group.json()).id;

  const unauthorized = await request.get(`${baseUrl}/Users`, { headers: { authorization: 'Bearer ghs_nope' } });
  expect(unauthorized.status()).toBe(401);
  expect(await unauthorized.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });

  await page.goto(`/users/${userId}`);
  await expect(page.getByTestId('provisioned-note')).toContainText('Okta');
  await page.goto(`/groups/${groupId}`);
  await expect(page.getByTestId('provisioned-note')).toContainText('Okta');
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('readonly', '');
  await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  await expect(page.getByTestId('members')).toContainText(email);

  // Deactivation from the IdP is visible at once.
  const off = await request.patch(`${baseUrl}/Users/${userId}`, {
    headers,
    data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
  });
  expect(off.status()).toBe(200);
  await page.goto(`/users/${userId}`);
  await expect(page.getByText('Disabled', { exact: true })).toBeVisible();

  // The directory page lists the requests, failures included, newest first.
  await page.goto('/settings/scim');
  await page.getByRole('link', { name: 'Okta' }).click();
  const log = page.getByTestId('scim-requests');
  await expect(log.locator('tbody tr')).toHaveCount(4);
  await expect(log.locator('tbody tr').first()).toContainText(`PATCH /Users/${userId}`);
  await expect(log).toContainText('401');

  // Rotating shows a new token once; the old one dies.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Rotate token' }).click();
  const rotated = await page.getByLabel('New SCIM token').inputValue();
  expect((await request.get(`${baseUrl}/Users`, { headers })).status()).toBe(401);
  expect((await request.get(`${baseUrl}/Users`, { headers: { ...headers, authorization: `Bearer ${rotated}` } })).status()).toBe(200);

  // Small answers go out as they are; large ones are compressed for a client that accepts gzip.
  const gzip = { authorization: `Bearer ${rotated}`, 'accept-encoding': 'gzip' };
  const small = await request.get(`${baseUrl}/Users/${userId}`, { headers: gzip });
  expect(small.headers()['content-encoding']).toBeUndefined();
  expect(small.headers()['cache-control']).toBe('no-store, no-transform');
  expect((await small.json()).id).toBe(userId);
  const large = await request.get(`${baseUrl}/Schemas`, { headers: gzip });
  expect(large.headers()['content-encoding']).toBe('gzip');
  expect(large.headers()['cache-control']).toBe('no-store');
  expect((await large.json()).totalResults).toBeGreaterThan(0);

  // The production server answers SCIM itself (decision 0024), with every API answer's security
  // headers; a trailing slash is the same path; a body over 1 MB is refused while it streams in,
  // Content-Length or not, and the connection stays usable.
  const auth = { authorization: `Bearer ${rotated}` };
  const slash = await request.get(`${baseUrl}/Users/`, { headers: auth });
  expect(slash.status()).toBe(200);
  expect(slash.headers()['x-content-type-options']).toBe('nosniff');
  const huge = await postChunked(`${baseUrl}/Users`, rotated, 1_100_000);
  expect(huge.status).toBe(413);
  expect(JSON.parse(huge.body)).toMatchObject({ status: '413', detail: expect.stringContaining('larger than') });

  // A client cannot choose the IP its actions are recorded with: the server appends the socket's
  // peer to X-Forwarded-For, and with no trusted proxies that last entry is the client.
  const requestId = `scim-xff-${account.slug}`;
  const forgedEmail = `forged-${account.slug}@example.test`;
  const forged = await request.post(`${baseUrl}/Users`, {
    headers: { ...auth, 'content-type': SCIM, 'x-forwarded-for': '203.0.113.7', 'x-request-id': requestId },
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: forgedEmail,
      emails: [{ value: forgedEmail, primary: true }],
      active: true,
    },
  });
  expect(forged.status()).toBe(201);
  const audit = new AuditPage(page);
  await audit.goto(`requestId=${requestId}`);
  await expect(audit.rows('CREATE_USER')).toHaveCount(1);
  await audit.goto(`requestId=${requestId}&ip=203.0.113.7`);
  await expect(audit.rows('CREATE_USER')).toHaveCount(0);
  await audit.goto(`requestId=${requestId}&ip=127.0.0.1`);
  await expect(audit.rows('CREATE_USER')).toHaveCount(1);
});
