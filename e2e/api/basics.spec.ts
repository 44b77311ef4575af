import { decode } from 'next-auth/jwt';
import { expect, newOrgAccount, signUp, test } from '../fixtures';

test('liveness answers without the database, readiness after a real query', async ({ request }) => {
  const database = process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';
  for (const path of ['/api/health', '/api/health/ready']) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database });
  }
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

test('the session cookie is httpOnly, SameSite=Lax, and carries only a session id', async ({ page }) => {
  const account = newOrgAccount('Cookie');
  await signUp(page, account);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'next-auth.session-token');
  expect(session, 'session cookie').toBeDefined();
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
  // Encrypted (JWE), and inside it nothing but the session id and the token's own times.
  expect(JSON.parse(Buffer.from(session!.value.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'dir', enc: 'A256GCM' });
  const claims = await decode({ token: session!.value, secret: process.env.E2E_NEXTAUTH_SECRET! });
  expect(Object.keys(claims ?? {}).sort()).toEqual(['exp', 'iat', 'jti', 'sid']);
  expect(cookies.find((c) => c.name === 'gatehouse-org')).toMatchObject({ value: account.slug, httpOnly: true, sameSite: 'Lax' });

  // next-auth's session endpoint reveals nothing but the expiry.
  const body = await (await page.request.get('/api/auth/session')).json();
  expect(Object.keys(body)).toEqual(['expires']);
});

test('wrong password, unknown email and unknown organization get the same status and body', async ({ page }) => {
  const account = newOrgAccount('Status');
  await signUp(page, account);
  const attempt = async (orgSlug: string, email: string, password: string) => {
    const { csrfToken } = await (await page.request.get('/api/auth/csrf')).json();
    const res = await page.request.post('/api/auth/callback/credentials', {
      form: { csrfToken, orgSlug, email, password, json: 'true' },
    });
    return { status: res.status(), body: await res.json() };
  };
  const wrong = await attempt(account.slug, account.email, 'definitely not it');
  expect(wrong.status).toBe(401);
  expect(wrong.body.url).toContain('error=CredentialsSignin');
  expect(await attempt(account.slug, `ghost-${account.email}`, 'definitely not it')).toEqual(wrong);
  expect(await attempt('no-such-organization', account.email, account.password)).toEqual(wrong);
});
