import { afterEach, describe, expect, it } from 'vitest';
import { clientIpFrom, isHttpsRequest, requestIdFrom, requestMetaFrom } from './request-meta';

afterEach(() => {
  delete process.env.GATEHOUSE_TRUSTED_PROXY_HOPS;
  delete process.env.NEXTAUTH_URL;
});

describe('request metadata', () => {
  it('keeps a well-formed request id and replaces anything else', () => {
    expect(requestIdFrom('trace-abc-12345')).toBe('trace-abc-12345');
    expect(requestIdFrom('short')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('evil\nheader-injection')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(null)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes the client IP from the entry the nearest trusted hop added', () => {
    const h = new Headers({ 'x-forwarded-for': '198.51.100.1, 10.0.0.5, ::ffff:203.0.113.9' });
    expect(clientIpFrom(h)).toBe('203.0.113.9');
    process.env.GATEHOUSE_TRUSTED_PROXY_HOPS = '1';
    expect(clientIpFrom(h)).toBe('10.0.0.5');
    process.env.GATEHOUSE_TRUSTED_PROXY_HOPS = '5';
    expect(clientIpFrom(h)).toBe('198.51.100.1');
    expect(clientIpFrom(new Headers())).toBeNull();
  });

  it('reads plain header objects as next-auth passes them', () => {
    expect(requestMetaFrom({ 'user-agent': 'UA/1', 'x-request-id': 'abcdefgh-1', 'x-forwarded-for': '192.0.2.1' })).toEqual({
      requestId: 'abcdefgh-1',
      ipAddress: '192.0.2.1',
      userAgent: 'UA/1',
    });
  });

  it('trusts X-Forwarded-Proto only behind a trusted proxy', () => {
    const h = new Headers({ 'x-forwarded-proto': 'https' });
    expect(isHttpsRequest(h)).toBe(false);
    process.env.GATEHOUSE_TRUSTED_PROXY_HOPS = '1';
    expect(isHttpsRequest(h)).toBe(true);
    process.env.GATEHOUSE_TRUSTED_PROXY_HOPS = '0';
    process.env.NEXTAUTH_URL = 'https://gatehouse.example.com';
    expect(isHttpsRequest(new Headers())).toBe(true);
  });
});
