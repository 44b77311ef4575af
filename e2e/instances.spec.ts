// Two instances on one Postgres behind a round-robin proxy (npm test's two-instance run,
// scripts/e2e-server.mjs with E2E_INSTANCES=2). Every state two instances must share gets a
// step on instance A and a check on instance B, the check made after B has already seen the
// thing, so a copy kept in one process's memory would fail it.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import postgres from 'postgres';
import { acceptInvite, createApiToken, expect, invite, newOrgAccount, signOut, signUp, test } from './fixtures';

type Deployment = { databaseUrl: string; env: Record<string, string>; instanceUrls: [string, string]; checkpointFiles: string[] };

async function deployment(): Promise<Deployment> {
  const { e2eServerInfoPath } = await import('../scripts/test-db.mjs');
  return JSON.parse(fs.readFileSync(e2eServerInfoPath(process.env.E2E_PORT ?? 3100), 'utf8')) as Deployment;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const SCIM = 'application/scim+json';

/** `gatehouse …` against the deployment's database, with the keys its instances share. */
function gatehouse(d: Deployment, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'gatehouse.mjs'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...d.env, DATABASE_URL: d.databaseUrl, GATEHOUSE_DATA_DIR: undefined },
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

test('both instances serve, and the proxy sends requests to each in turn', async ({ request }) => {
  const { instanceUrls } = await deployment();
  for (const url of instanceUrls) expect((await request.get(`${url}/api/health/ready`)).status(), url).toBe(200);
  const served = new Set<string>();
  for (let i = 0; i < 4; i++) served.add((await request.get('/api/health')).headers()['x-gatehouse-instance'] ?? 'none');
  expect([...served].sort()).toEqual(['0', '1']);
});

test('signing out on A ends the session on B at its next request', async ({ page, browser }) => {
  const [a, b] = (await deployment()).instanceUrls;
  const account = newOrgAccount('TwoSignOut');
  await signUp(page, account);
  const copy = await (await browser.newContext({ storageState: await page.context().storageState() })).newPage();
  await copy.goto(`${b}/account`);
  await expect(copy.getByRole('heading', { name: 'Your account' })).toBeVisible();

  await page.goto(`${a}/account`);
  await signOut(page);

  await copy.goto(`${b}/account`);
  await expect(copy).toHaveURL(/\/sign-in/);
});

test('a user disabled on A, and a token revoked on A, are refused by B at once', async ({ page, browser, request }) => {
  const [a, b] = (await deployment()).instanceUrls;
  const account = newOrgAccount('TwoDisable');
  await signUp(page, account);
  const email = `sol@${account.slug}.test`;
  const sol = await acceptInvite(browser, await invite(page, email, 'Admin'), 'Sol', 'second admin pass');
  const solToken = await createApiToken(sol, ['users:read'], 'sol');
  const adminToken = await createApiToken(page, ['users:read', 'users:write'], 'admin');
  const spare = await createApiToken(page, ['users:read'], 'spare');

  // B has seen both tokens and Sol's session work.
  for (const token of [solToken, spare]) expect((await request.get(`${b}/api/v1/me`, { headers: bearer(token) })).status()).toBe(200);
  await sol.goto(`${b}/account`);
  await expect(sol.getByRole('heading', { name: 'Your account' })).toBeVisible();

  const found = await (await request.get(`${a}/api/v1/users?q=${encodeURIComponent(email)}`, { headers: bearer(adminToken) })).json();
  expect((await request.post(`${a}/api/v1/users/${found.data[0].id}/disable`, { headers: bearer(adminToken) })).status()).toBe(200);
  expect((await request.get(`${b}/api/v1/me`, { headers: bearer(solToken) })).status()).toBe(401);
  await sol.goto(`${b}/account`);
  await expect(sol).toHaveURL(/\/sign-in/);

  await page.goto(`${a}/settings/api-tokens`);
  await page.getByTestId('tokens').locator('tr', { hasText: 'spare' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('tokens').locator('tr', { hasText: 'spare' })).toContainText('revoked');
  expect((await request.get(`${b}/api/v1/me`, { headers: bearer(spare) })).status()).toBe(401);
});

test('failed sign-ins on A and B count toward one throttle', async ({ page, request }) => {
  const [a, b] = (await deployment()).instanceUrls;
  const account = newOrgAccount('TwoThrottle');
  await signUp(page, account);
  const { csrfToken } = await (await request.get(`${a}/api/auth/csrf`)).json();
  const attempt = async (origin: string, password: string) => {
    const res = await request.post(`${origin}/api/auth/callback/credentials`, {
      form: { csrfToken, orgSlug: account.slug, email: account.email, password, json: 'true' },
    });
    return String((await res.json()).url);
  };
  // Five free failures in all, alternating; the sixth waits, wherever it lands, even with the right password.
  for (let i = 0; i < 5; i++) expect(await attempt(i % 2 ? b : a, 'not the password')).toContain('error=CredentialsSignin');
  expect(decodeURIComponent(await attempt(b, 'not the password'))).toContain('rate_limited');
  expect(decodeURIComponent(await attempt(a, account.password))).toContain('rate_limited');
});

test('an API token has one rate limit across A and B, and an idempotency key replays on B', async ({ page, request }) => {
  const [a, b] = (await deployment()).instanceUrls;
  const account = newOrgAccount('TwoLimits');
  await signUp(page, account);
  const token = await createApiToken(page, ['users:read', 'groups:read', 'groups:write'], 'busy');
  const get = (origin: string) => request.get(`${origin}/api/v1/me`, { headers: bearer(token) });
  const remaining = (r: APIResponse) => Number(r.headers()['ratelimit-remaining']);

  // Windows are per minute: start with enough of one left to finish in it.
  let first = await get(a);
  const reset = Number(first.headers()['ratelimit-reset']);
  if (reset < 30) {
    await new Promise((r) => setTimeout(r, (reset + 1) * 1000));
    first = await get(a);
  }
  let left = remaining(first);
  for (let i = 1; left > 0; i++) {
    const answer = await get(i % 2 ? b : a);
    expect(remaining(answer), `request ${i + 1}`).toBe(left - 1);
    left--;
  }
  for (const origin of [a, b]) expect((await get(origin)).status(), origin).toBe(429);

  const other = await createApiToken(page, ['groups:read', 'groups:write'], 'writer');
  const create = (origin: string) =>
    request.post(`${origin}/api/v1/groups`, {
      headers: { ...bearer(other), 'idempotency-key': 'two-instances-1' },
      data: { name: 'Once' },
    });
  const created = await create(a);
  expect(created.status()).toBe(201);
  const replay = await create(b);
  expect(replay.headers()['idempotent-replayed']).toBe('true');
  expect(await replay.json()).toEqual(await created.json());
  const groups = await (await request.get(`${b}/api/v1/groups`, { headers: bearer(other) })).json();
  expect(groups.data.filter((g: { name: string }) => g.name === 'Once')).toHaveLength(1);
});

test('SCIM changes made through A read the same through B, and the other way round', async ({ page, request }) => {
  const [a, b] = (await deployment()).instanceUrls;
  const account = newOrgAccount('TwoScim');
  await signUp(page, account);
  await page.goto('/settings/scim');
  await page.getByLabel('Directory name').fill('Okta');
  await page.getByRole('button', { name: 'Create directory' }).click();
  const path = new URL(await page.getByLabel('SCIM base URL').inputValue()).pathname;
  const headers = { authorization: `Bearer ${await page.getByLabel('SCIM token').inputValue()}`, 'content-type': SCIM };
  const scim = (origin: string, method: 'GET' | 'POST' | 'PATCH', resource: string, data?: unknown) =>
    request.fetch(`${origin}${path}${resource}`, { method, headers, data });

  const email = `linus-${account.slug}@example.test`;
  const user = await scim(a, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: email,
    name: { givenName: 'Linus', familyName: 'Okta' },
    emails: [{ value: email, primary: true }],
    active: true,
  });
  expect(user.status()).toBe(201);
  const userId = (await user.json()).id;
  const group = await scim(b, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineers' });
  expect(group.status()).toBe(201);
  const groupId = (await group.json()).id;
  const members = async (origin: string) =>
    ((await (await scim(origin, 'GET', `/Groups/${groupId}`)).json()).members ?? []).map((m: { value: string }) => m.value);
  const patch = (origin: string, op: 'add' | 'remove') =>
    scim(origin, 'PATCH', `/Groups/${groupId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [op === 'add' ? { op, path: 'members', value: [{ value: userId }] } : { op, path: `members[value eq "${userId}"]` }],
    });

  expect(await members(b)).toEqual([]);
  expect((await patch(a, 'add')).status()).toBeLessThan(300);
  expect(await members(b)).toEqual([userId]);
  expect((await patch(b, 'remove')).status()).toBeLessThan(300);
  expect(await members(a)).toEqual([]);
  expect((await scim(b, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`)).ok()).toBe(true);
  const found = await (await scim(b, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`)).json();
  expect(found.totalResults).toBe(1);
});

test('with both instances delivering, a webhook receives every event exactly once', async ({ page, request }) => {
  const [a, b] = (await deployment()).instanceUrls;
  const received: string[] = [];
  let badSignatures = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const expected = `v1=${createHmac('sha256', 'two-instances')
        .update(`${String(req.headers['x-gatehouse-timestamp'])}.${body}`)
        .digest('hex')}`;
      if (req.headers['x-gatehouse-signature'] !== expected) badSignatures++;
      received.push(...(JSON.parse(body) as { events: { id: string }[] }).events.map((e) => e.id));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const account = newOrgAccount('TwoStream');
    await signUp(page, account);
    await page.goto('/settings/audit-streaming');
    await page.getByLabel('Type').selectOption('webhook');
    await page.getByLabel('Name').fill('SIEM');
    await page.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${(server.address() as AddressInfo).port}/in`);
    await page.getByLabel('Signing secret').fill('two-instances');
    await page.getByLabel('Backfill from (UTC, optional)').fill('2000-01-01T00:00');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.getByText('Added. Delivery starts within seconds.')).toBeVisible();

    const token = await createApiToken(page, ['groups:write', 'audit:read'], 'stream');
    for (let i = 0; i < 20; i++) {
      const res = await request.post(`${i % 2 ? b : a}/api/v1/groups`, { headers: bearer(token), data: { name: `Team ${i}` } });
      expect(res.status()).toBe(201);
    }
    const stored = await allEventIds(request, a, token);
    expect(stored.length).toBeGreaterThan(20);
    await expect.poll(() => stored.filter((id) => !received.includes(id)).length, { timeout: 30_000 }).toBe(0);
    // A little longer: a second delivery of anything would arrive by now.
    await new Promise((r) => setTimeout(r, 3000));
    expect(received.length - new Set(received).size, 'events delivered twice').toBe(0);
    expect(badSignatures).toBe(0);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

async function allEventIds(request: APIRequestContext, origin: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const page = await (
      await request.get(`${origin}/api/v1/audit-events?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer(token) })
    ).json();
    ids.push(...page.data.map((e: { id: string }) => e.id));
    cursor = page.nextCursor;
  }
  return ids;
}

// Last in this file: by now both instances have run checkpoint rounds every ~2 s for minutes.
test('both instances sign checkpoints, never the same head twice, and the chain and every file verify', async ({ page }) => {
  const d = await deployment();
  // Keep the chains moving while we wait for each instance to have signed something.
  const account = newOrgAccount('TwoCheckpoints');
  await signUp(page, account);
  const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
  await expect
    .poll(
      async () => {
        await page.goto('/account');
        return d.checkpointFiles.map(lines).every((n) => n > 0);
      },
      { timeout: 60_000 },
    )
    .toBe(true);

  const sql = postgres(d.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const twice = await sql`
      select organization_id, metadata->>'seq' as seq, count(*)::int as n from audit_events
      where action_type = 'AUDIT_CHECKPOINT' group by 1, 2 having count(*) > 1`;
    expect(twice, 'a head signed more than once').toEqual([]);
    const [all] = await sql`select count(*)::int as n from audit_events where action_type = 'AUDIT_CHECKPOINT'`;
    expect(all?.n).toBeGreaterThan(1);
  } finally {
    await sql.end();
  }
  const chain = gatehouse(d, 'audit', 'verify');
  expect(chain.code, chain.stderr).toBe(0);
  for (const file of d.checkpointFiles) {
    const checked = gatehouse(d, 'audit', 'verify', '--checkpoints', file);
    expect(checked.code, `${file}: ${checked.stderr}`).toBe(0);
    expect(checked.stdout).toMatch(/^ok\s+\d+ checkpoint\(s\) match the chain/);
  }
});
