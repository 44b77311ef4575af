// Audit streaming end to end: the production server's own delivery loop sends events to a
// receiver this test runs, signed as the webhook protocol says.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Contract } from './api/contract';
import { expect, newOrgAccount, signUp, test } from './fixtures';

test('a webhook destination receives every event, signed, and the page shows it is up to date; its secret is replaced and it is paused there', async ({
  page,
}) => {
  const received: { actionType: string; id: string }[] = [];
  let badSignatures = 0;
  let secret = 'e2e-secret';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ts = String(req.headers['x-gatehouse-timestamp']);
      const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
      if (req.headers['x-gatehouse-signature'] !== expected) {
        badSignatures++;
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"signature mismatch"}');
        return;
      }
      received.push(...(JSON.parse(body) as { events: { actionType: string; id: string }[] }).events);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const account = newOrgAccount('Stream');
    await signUp(page, account);
    await page.goto('/settings/audit-streaming');
    await page.getByLabel('Type').selectOption('webhook');
    await page.getByLabel('Name').fill('SIEM webhook');
    await page.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${(server.address() as AddressInfo).port}/in`);
    await page.getByLabel('Signing secret').fill('e2e-secret');
    await page.getByLabel('Backfill from (UTC, optional)').fill('2000-01-01T00:00');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.getByText('Added. Delivery starts within seconds.')).toBeVisible();

    // Backfilled: the organization's creation onwards, then this destination's own creation.
    await expect
      .poll(() => received.map((e) => e.actionType), { timeout: 15_000 })
      .toEqual(['CREATE_ORGANIZATION', 'SIGN_UP', 'LOGIN', 'AUDIT_SINK_CREATED']);
    expect(badSignatures).toBe(0);
    await page.reload();
    await expect(page.getByTestId('sink-lag')).toHaveText('Up to date');
    await expect(page.getByTestId('sink-delivered')).toHaveText('4 events');

    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.getByRole('status')).toHaveText('Delivered (HTTP 204).');
    expect(received.some((e) => e.actionType === 'AUDIT_SINK_TEST')).toBe(true);

    // The receiver rotates its secret: the test says what it answered; the new secret is saved under Edit.
    secret = 'e2e-secret-2';
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.getByRole('status')).toHaveText('Failed: HTTP 401 Unauthorized: {"error":"signature mismatch"}');
    await page.getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByLabel('Endpoint URL')).toHaveValue(/\/in$/);
    await page.getByLabel('New signing secret').fill('e2e-secret-2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Saved (secret).')).toBeVisible();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.getByRole('status')).toHaveText('Delivered (HTTP 204).');
    await expect.poll(() => received.map((e) => e.actionType), { timeout: 15_000 }).toContain('UPDATE_AUDIT_SINK');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.locator('[data-sink="SIEM webhook"]').getByText('paused')).toBeVisible();
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.locator('[data-sink="SIEM webhook"]').getByText('active')).toBeVisible();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a destination made through the API is the page’s too: tested, paused and deleted through the routes, never answering its secret', async ({
  page,
  request,
}) => {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ts = String(req.headers['x-gatehouse-timestamp']);
      const expected = `v1=${createHmac('sha256', 'api-e2e-secret').update(`${ts}.${body}`).digest('hex')}`;
      if (req.headers['x-gatehouse-signature'] !== expected) return void res.writeHead(401).end();
      received.push(...(JSON.parse(body) as { events: { actionType: string }[] }).events.map((e) => e.actionType));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await signUp(page, newOrgAccount('StreamApi'));
    await page.goto('/settings/api-tokens');
    await page.getByLabel('Note').fill('destinations');
    await page.getByLabel('audit-destinations:read', { exact: true }).check();
    await page.getByLabel('audit-destinations:write', { exact: true }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const headers = { authorization: `Bearer ${await page.getByLabel('New API token').inputValue()}` };
    const contract = await Contract.load(request);
    const texts: string[] = [];
    const checked = async (res: Awaited<ReturnType<typeof request.get>>, method: string, template: string, status: number) => {
      texts.push(await res.text());
      return contract.check(res, method, template, status);
    };

    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const created = await checked(
      await request.post('/api/v1/audit-destinations', {
        headers,
        data: { name: 'API hook', kind: 'webhook', url, secret: 'api-e2e-secret' },
      }),
      'POST',
      '/audit-destinations',
      201,
    );
    expect(created).toMatchObject({ name: 'API hook', url, secretSet: true, paused: false });
    const path = `/api/v1/audit-destinations/${created.id}`;
    await checked(await request.post(`${path}/test`, { headers }), 'POST', '/audit-destinations/{destinationId}/test', 200).then((r) =>
      expect(r).toEqual({ ok: true, status: 204, error: null }),
    );
    expect(received).toContain('AUDIT_SINK_TEST');

    await page.goto('/settings/audit-streaming');
    const card = page.locator('[data-sink="API hook"]');
    await expect(card.getByText('active')).toBeVisible();
    await checked(await request.patch(path, { headers, data: { paused: true } }), 'PATCH', '/audit-destinations/{destinationId}', 200);
    await page.reload();
    await expect(card.getByText('paused')).toBeVisible();
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(card.getByText('active')).toBeVisible();
    expect((await checked(await request.get(path, { headers }), 'GET', '/audit-destinations/{destinationId}', 200)).paused).toBe(false);
    await checked(await request.delete(path, { headers }), 'DELETE', '/audit-destinations/{destinationId}', 204);
    await checked(await request.get(path, { headers }), 'GET', '/audit-destinations/{destinationId}', 404);
    expect(texts.filter((t) => t.includes('api-e2e-secret'))).toEqual([]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
