// Audit streaming end to end: the production server's own delivery loop sends events to a
// receiver this test runs, signed as the webhook protocol says.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, newOrgAccount, signUp, test } from './fixtures';

test('a webhook destination receives every event, signed, and the page shows it is up to date', async ({ page }) => {
  const received: { actionType: string; id: string }[] = [];
  let badSignatures = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ts = String(req.headers['x-gatehouse-timestamp']);
      const expected = `v1=${createHmac('sha256', 'e2e-secret').update(`${ts}.${body}`).digest('hex')}`;
      if (req.headers['x-gatehouse-signature'] !== expected) badSignatures++;
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
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
