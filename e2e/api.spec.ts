import { expect, test } from '@playwright/test';

test('health reports the database after a real query', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', database: process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded' });
});

test('every response carries a request id, and a caller-supplied one is kept', async ({ request }) => {
  for (const path of ['/api/health', '/sign-in', '/no-such-page']) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.headers()['x-request-id'], path).toMatch(/^[0-9a-f-]{36}$/);
  }
  const res = await request.get('/api/health', { headers: { 'x-request-id': 'trace-12345678' } });
  expect(res.headers()['x-request-id']).toBe('trace-12345678');
  const redirect = await request.get('/account', { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers()['x-request-id']).toBeTruthy();
});

test('session cookies are httpOnly and SameSite=Lax', async ({ page }) => {
  await page.goto('/sign-in');
  const csrf = await page.request.get('/api/auth/csrf');
  expect(csrf.ok()).toBe(true);
  const cookies = await page.context().cookies();
  for (const c of cookies.filter((c) => c.name.includes('next-auth') || c.name === 'gatehouse-org')) {
    expect(c.httpOnly, c.name).toBe(true);
    expect(c.sameSite, c.name).toBe('Lax');
  }
});
