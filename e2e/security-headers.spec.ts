// The security headers on every kind of answer (decision 0037): each page's Content-Security-Policy
// with a fresh nonce that Next.js put on every script, the framing rule, nosniff, the referrer and
// permissions policies; the API's and SCIM's own policy; Strict-Transport-Security only when a
// trusted proxy says the browser used https. A server of this file's own (port E2E_PORT + 70,
// behind one trusted proxy, embeddable by one origin) shows HSTS and embedding; the main server
// (no trusted proxy, plain http) never sends HSTS.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { APIResponse } from '@playwright/test';
import { createApp, expect, newOrgAccount, signUp, test } from './fixtures';

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
};
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";
const HSTS = 'max-age=31536000; includeSubDomains';

/** The page policy with its nonce taken out, as written in lib/server/security-headers.ts. */
const pagePolicy = (frameAncestors = "'none'", https = false) =>
  [
    "default-src 'self'",
    "script-src 'self' 'nonce-NONCE' 'strict-dynamic'",
    "style-src 'self' 'nonce-NONCE'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');

/** Checks a page's headers and that every script in its HTML carries the policy's nonce; returns the nonce. */
async function expectPageHeaders(res: APIResponse, what: string, options: { frameAncestors?: string; https?: boolean } = {}) {
  const headers = res.headers();
  for (const [name, value] of Object.entries(COMMON)) expect(headers[name], `${what}: ${name}`).toBe(value);
  const csp = headers['content-security-policy'] ?? '';
  const nonce = /'nonce-([A-Za-z0-9+/]{22}==)'/.exec(csp)?.[1];
  expect(nonce, `${what}: a 16-byte nonce in ${csp}`).toBeDefined();
  expect(csp.replaceAll(nonce!, 'NONCE'), `${what}: content-security-policy`).toBe(pagePolicy(options.frameAncestors, options.https));
  expect(headers['x-frame-options'], `${what}: x-frame-options`).toBe(options.frameAncestors ? undefined : 'DENY');
  expect(headers['strict-transport-security'], `${what}: strict-transport-security`).toBe(options.https ? HSTS : undefined);
  if ((headers['content-type'] ?? '').startsWith('text/html')) {
    const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, `${what}: scripts`).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, `${what}: every script has the nonce`).toContain(` nonce="${nonce}"`);
  }
  return nonce!;
}

function expectApiHeaders(res: APIResponse, what: string, https = false) {
  const headers = res.headers();
  for (const [name, value] of Object.entries(COMMON)) expect(headers[name], `${what}: ${name}`).toBe(value);
  expect(headers['content-security-policy'], `${what}: content-security-policy`).toBe(API_POLICY);
  expect(headers['x-frame-options'], `${what}: x-frame-options`).toBe('DENY');
  expect(headers['strict-transport-security'], `${what}: strict-transport-security`).toBe(https ? HSTS : undefined);
}

test('every page, redirect, error and API answer carries its security headers; no HSTS over plain http', async ({ page, request }) => {
  const account = newOrgAccount('Headers');
  await signUp(page, account);
  const appId = await createApp(page, 'Header check');
  const get = (path: string, headers: Record<string, string> = {}) => page.request.get(path, { maxRedirects: 0, headers });

  const pages: [string, number][] = [
    ['/', 200],
    ['/apps', 200],
    [`/apps/${appId}`, 200],
    [`/apps/${appId}/edit`, 200],
    [`/apps/${appId}/view`, 200],
    ['/resources', 200],
    ['/users', 200],
    ['/groups', 200],
    ['/audit', 200],
    ['/settings', 200],
    ['/settings/authentication', 200],
    ['/settings/sso', 200],
    ['/settings/environments', 200],
    ['/account', 200],
    ['/api-reference', 200],
    [`/sign-in/${account.slug}`, 200],
    ['/no-such-page', 404],
    ['/apps/00000000-0000-4000-8000-000000000000', 404],
  ];
  const nonces = new Set<string>();
  for (const [path, status] of pages) {
    const res = await get(path);
    expect(res.status(), path).toBe(status);
    nonces.add(await expectPageHeaders(res, path));
  }
  // A fresh nonce for every answer.
  expect(nonces.size).toBe(pages.length);

  // Without a session: the sign-in pages, and the redirect to them.
  for (const path of ['/sign-in', '/signup']) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(200);
    await expectPageHeaders(res, path);
  }
  const redirect = await request.get('/users', { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  await expectPageHeaders(redirect, 'redirect to sign-in');
  // A server action posted from another site is refused before it runs.
  const foreign = await page.request.post('/settings/sso', {
    headers: { origin: 'https://evil.test', 'next-action': 'x' },
    maxRedirects: 0,
  });
  expect(foreign.status()).toBe(403);
  await expectPageHeaders(foreign, 'cross-origin action');

  // APIs: JSON, XML and text load nothing and are never framed.
  for (const [path, status] of [
    ['/api/health', 200],
    ['/api/v1/openapi.json', 200],
    ['/api/v1/me', 401],
    ['/api/sso/saml/metadata', 200],
    ['/api/no-such-route', 404],
  ] as const) {
    const res = await get(path);
    expect(res.status(), path).toBe(status);
    expectApiHeaders(res, path);
  }
  // SCIM is answered by the production server itself (decision 0024), with the same headers.
  const scim = await request.get('/api/scim/v2/00000000-0000-4000-8000-000000000000/Users');
  expect(scim.status()).toBe(401);
  expectApiHeaders(scim, 'SCIM');

  // Static files and public/'s files: the headers that fit any file.
  const html = await (await get('/')).text();
  const chunk = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  for (const path of [chunk!, '/icon.svg', '/robots.txt', '/manifest.webmanifest']) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    for (const [name, value] of Object.entries(COMMON)) expect(res.headers()[name], `${path}: ${name}`).toBe(value);
  }

  // No trusted proxy here: a client saying https is not believed.
  const claimed = await get('/', { 'x-forwarded-proto': 'https' });
  await expectPageHeaders(claimed, 'x-forwarded-proto from an untrusted client');
  expectApiHeaders(await get('/api/health', { 'x-forwarded-proto': 'https' }), 'API, untrusted x-forwarded-proto');

  // In the browser: the pages run (the suite's guard fails any test whose pages break the policy).
  await page.goto(`/apps/${appId}/edit`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

// A portal that frames Gatehouse: the same page on two origins (two ports), one of them allowed.
function portal(target: () => string) {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Portal</title><iframe title="Gatehouse" src="${target()}/setup" width="800" height="600"></iframe>`);
  });
  const other: Server = createServer(server.listeners('request')[0] as Parameters<typeof createServer>[1]);
  const listen = (s: Server) =>
    new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
  return {
    listen: async () => ({ allowed: await listen(server), stranger: await listen(other) }),
    close: () => Promise.all([server, other].map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r))))),
  };
}

const scripts = async () => ({ ...(await import('../scripts/test-db.mjs')), ...(await import('../scripts/build.mjs')) });
let server: ChildProcess | undefined;
let cleanup: (() => Promise<unknown>)[] = [];
test.afterAll(async () => {
  const s = server;
  if (s && s.exitCode === null && s.signalCode === null) {
    const exited = new Promise((r) => s.once('exit', r));
    process.kill(-s.pid!, 'SIGTERM');
    const force = setTimeout(() => process.kill(-s.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }
  for (const c of cleanup) await c();
  cleanup = [];
});

test('behind a trusted proxy, https answers carry HSTS; pages may be framed by the configured origin only', async ({
  browser,
  request,
  cspGuard,
}) => {
  test.setTimeout(240_000);
  const port = Number(process.env.E2E_PORT ?? 3100) + 70;
  const origin = `http://127.0.0.1:${port}`;
  const sites = portal(() => origin);
  const { allowed, stranger } = await sites.listen();
  cleanup.push(sites.close);

  const { serverScript, root, createTestDatabase, dropTestDatabase, testSecrets } = await scripts();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_URL: origin,
    GATEHOUSE_TRUSTED_PROXY_HOPS: '1',
    GATEHOUSE_FRAME_ANCESTORS: allowed,
  };
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const db = await createTestDatabase(serverUrl, 'headers');
    Object.assign(env, testSecrets(), { DATABASE_URL: db.url });
    cleanup.push(() => dropTestDatabase(serverUrl, db.name));
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-headers-'));
    delete env.DATABASE_URL;
    env.GATEHOUSE_DATA_DIR = dir;
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const log = fs.openSync(test.info().outputPath('server.log'), 'a');
  server = spawn(process.execPath, [serverScript, '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  await expect
    .poll(
      () =>
        fetch(`${origin}/api/health`).then(
          (r) => r.status,
          () => 0,
        ),
      { timeout: 120_000 },
    )
    .toBe(200);

  const get = (p: string, proto?: string) =>
    request.get(`${origin}${p}`, { maxRedirects: 0, headers: proto ? { 'x-forwarded-proto': proto } : {} });
  // HSTS (and upgrade-insecure-requests) only when the trusted proxy says https.
  await expectPageHeaders(await get('/setup', 'https'), 'https page', { frameAncestors: allowed, https: true });
  await expectPageHeaders(await get('/setup', 'http'), 'http page', { frameAncestors: allowed });
  await expectPageHeaders(await get('/setup'), 'page without x-forwarded-proto', { frameAncestors: allowed });
  await expectPageHeaders(await get('/users', 'https'), 'https redirect', { frameAncestors: allowed, https: true });
  expectApiHeaders(await get('/api/health', 'https'), 'https API', true);
  expectApiHeaders(await get('/api/health'), 'http API');

  // The allowed portal shows the first-run page; another origin's frame is refused by the browser.
  const context = await browser.newContext();
  const framed = await context.newPage();
  await framed.goto(allowed);
  await expect(framed.frameLocator('iframe').getByRole('button', { name: 'Create organization' })).toBeVisible();
  cspGuard.expectViolation(/frame-ancestors/);
  const refused = await context.newPage();
  const blocked = refused.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
  await refused.goto(stranger);
  await blocked;
  await expect(refused.frameLocator('iframe').getByRole('button', { name: 'Create organization' })).toHaveCount(0);
  await context.close();
});
