// What a browser, a crawler and a security researcher fetch without signing in: the icons the
// layout links to, robots.txt, and /.well-known/security.txt from GATEHOUSE_SECURITY_CONTACT.
import { expect, test } from './fixtures';

test('every icon and the manifest the pages link to are served to anyone, with their types', async ({ page, request }) => {
  await page.goto('/sign-in');
  const links = await page
    .locator('head link[rel~="icon"], head link[rel="apple-touch-icon"], head link[rel="manifest"]')
    .evaluateAll((ls) => ls.map((l) => `${l.getAttribute('rel')} ${l.getAttribute('href')}`));
  expect(links.sort()).toEqual([
    'apple-touch-icon /apple-touch-icon.png',
    'icon /favicon.ico',
    'icon /icon.svg',
    'manifest /manifest.webmanifest',
  ]);

  const types: Record<string, RegExp> = {
    '.png': /^image\/png/,
    '.ico': /^image\/(x-icon|vnd\.microsoft\.icon)/,
    '.svg': /^image\/svg\+xml/,
    '.webmanifest': /^application\/manifest\+json/,
  };
  const manifest = (await (await request.get('/manifest.webmanifest')).json()) as { icons: { src: string }[] };
  expect(manifest.icons.length).toBeGreaterThan(0);
  for (const href of [...links.map((l) => l.split(' ')[1]!), ...manifest.icons.map((i) => i.src)]) {
    const res = await request.get(href, { maxRedirects: 0 });
    expect(res.status(), href).toBe(200);
    expect(res.headers()['content-type'], href).toMatch(types[href.slice(href.lastIndexOf('.'))]!);
    expect((await res.body()).length, href).toBeGreaterThan(100);
  }
});

test('robots.txt keeps every page out of search engines, and pages say noindex too', async ({ page, request }) => {
  const robots = await request.get('/robots.txt', { maxRedirects: 0 });
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toBe('User-agent: *\nDisallow: /\n');
  await page.goto('/sign-in');
  await expect(page.locator('head meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow');
});

test('security.txt names the configured contact and expires within a year (RFC 9116)', async ({ request }) => {
  const res = await request.get('/.well-known/security.txt', { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('text/plain; charset=utf-8');
  const fields = Object.fromEntries(
    (await res.text())
      .trim()
      .split('\n')
      .map((line) => line.split(/: (.*)/s).slice(0, 2)),
  );
  expect(fields.Contact).toBe('mailto:security@gatehouse.test');
  const expires = Date.parse(fields.Expires!);
  expect(expires - Date.now()).toBeGreaterThan(150 * 86_400_000);
  expect(expires - Date.now()).toBeLessThan(365 * 86_400_000);
  expect(fields.Canonical).toBe(`${new URL(res.url()).origin}/.well-known/security.txt`);
});
