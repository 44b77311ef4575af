import { describe, expect, it } from 'vitest';
import { isCrossOriginAction } from './same-origin';

const post = (headers: Record<string, string>, path = '/settings/sso') => isCrossOriginAction('POST', path, new Headers(headers));

describe('cross-origin server actions', () => {
  it('refuses a POST to a page whose Origin is another host, with or without the Next-Action header', () => {
    expect(post({ host: 'gatehouse.test', origin: 'https://evil.test', 'next-action': 'abc' })).toBe(true);
    expect(post({ host: 'gatehouse.test', origin: 'https://evil.test', 'content-type': 'multipart/form-data; boundary=x' })).toBe(true);
    expect(post({ host: 'gatehouse.test:3000', origin: 'http://gatehouse.test:3001' })).toBe(true);
    expect(post({ host: 'gatehouse.test', origin: 'null' })).toBe(true);
    expect(post({ host: 'gatehouse.test', origin: 'not a url' })).toBe(true);
  });

  it('lets same-origin posts through, by Host or by the first X-Forwarded-Host, and requests without an Origin', () => {
    expect(post({ host: 'gatehouse.test', origin: 'https://gatehouse.test', 'next-action': 'abc' })).toBe(false);
    expect(post({ host: 'internal:3000', 'x-forwarded-host': 'gatehouse.test, proxy.test', origin: 'https://gatehouse.test' })).toBe(false);
    expect(post({ host: 'gatehouse.test' })).toBe(false);
  });

  it('leaves other methods and route handlers alone', () => {
    expect(isCrossOriginAction('GET', '/settings', new Headers({ host: 'a.test', origin: 'https://evil.test' }))).toBe(false);
    expect(post({ host: 'a.test', origin: 'https://idp.test' }, '/api/sso/saml/acs')).toBe(false);
    expect(post({ host: 'a.test', origin: 'https://evil.test' }, '/api')).toBe(false);
  });
});

describe('proxy', () => {
  it('answers a cross-origin action with 403 and a clear body before Next runs it', async () => {
    const { NextRequest } = await import('next/server');
    const { proxy } = await import('@/proxy');
    const request = new NextRequest('http://gatehouse.test/settings/sso', {
      method: 'POST',
      headers: { host: 'gatehouse.test', origin: 'https://evil.test', 'next-action': 'abc', 'x-request-id': 'req-cross-origin-1' },
    });
    const response = proxy(request);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-request-id')).toBe('req-cross-origin-1');
    expect(await response.json()).toEqual({
      error: { code: 'forbidden', message: expect.stringMatching(/another site/), requestId: 'req-cross-origin-1' },
    });
    const same = new NextRequest('http://gatehouse.test/settings/sso', {
      method: 'POST',
      headers: { host: 'gatehouse.test', origin: 'http://gatehouse.test', 'next-action': 'abc', cookie: 'next-auth.session-token=x' },
    });
    expect(proxy(same).status).toBe(200);
  });
});
