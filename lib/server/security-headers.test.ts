import { describe, expect, it } from 'vitest';
import { MACHINE_SECURITY_HEADERS, newNonce, pageContentSecurityPolicy, routeSecurityHeaders } from './security-headers';

describe('page policy', () => {
  it('allows scripts only with the nonce, no inline style, eval, plugins or <base>, and no framing', () => {
    expect(pageContentSecurityPolicy({ nonce: 'abc=', https: false, frameAncestors: [] })).toBe(
      "default-src 'self'; script-src 'self' 'nonce-abc=' 'strict-dynamic'; style-src 'self' 'nonce-abc='; img-src 'self' data:; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });

  it('upgrades insecure requests over https, names the allowed frame ancestors, and allows eval only under next dev', () => {
    const policy = pageContentSecurityPolicy({ nonce: 'n', https: true, frameAncestors: ['https://portal.example', "'self'"], dev: true });
    expect(policy).toContain("script-src 'self' 'nonce-n' 'strict-dynamic' 'unsafe-eval';");
    expect(policy).toContain("style-src 'self' 'unsafe-inline';");
    expect(policy).toContain("frame-ancestors https://portal.example 'self'; upgrade-insecure-requests");
  });
});

describe('route headers', () => {
  it('give pages the nonce policy and X-Frame-Options DENY, dropped when embedding is allowed', () => {
    const page = routeSecurityHeaders({ nonce: 'n', https: false, frameAncestors: [] });
    expect(Object.keys(page)).toEqual(['Content-Security-Policy', 'X-Frame-Options']);
    expect(page['X-Frame-Options']).toBe('DENY');
    const embeddable = routeSecurityHeaders({ nonce: 'n', https: false, frameAncestors: ['https://portal.example'] });
    expect(embeddable['X-Frame-Options']).toBeUndefined();
  });

  it('give API answers a policy that loads nothing, never framed whatever the setting', () => {
    const api = routeSecurityHeaders({ nonce: null, https: false, frameAncestors: ['https://portal.example'] });
    expect(api).toEqual({ 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'", 'X-Frame-Options': 'DENY' });
    expect(MACHINE_SECURITY_HEADERS['content-security-policy']).toBe(api['Content-Security-Policy']);
  });

  it('add Strict-Transport-Security over https only', () => {
    expect(routeSecurityHeaders({ nonce: 'n', https: true, frameAncestors: [] })['Strict-Transport-Security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(routeSecurityHeaders({ nonce: null, https: false, frameAncestors: [] })['Strict-Transport-Security']).toBeUndefined();
  });
});

it('makes a fresh 16-byte nonce each time', () => {
  const nonces = new Set(Array.from({ length: 100 }, newNonce));
  expect(nonces.size).toBe(100);
  for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16);
});
