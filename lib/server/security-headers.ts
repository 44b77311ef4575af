// The security headers, in one place (decision 0037). Three kinds of answer get them:
// - everything Next.js serves, static files included: SECURITY_HEADERS, through next.config.ts;
// - every page and API answer that passes proxy.ts: also routeSecurityHeaders(), with a page's
//   Content-Security-Policy carrying a fresh nonce (Next.js puts it on its own scripts), the
//   framing rule, and Strict-Transport-Security over https;
// - the answers the production server writes itself (SCIM, lib/scim/node.ts; the 503 while the
//   database is away, lib/system/availability.ts): MACHINE_SECURITY_HEADERS.
// No imports: next.config.ts loads this file outside the app's module aliases.

/** On every answer; none depends on the request or the configuration. */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** One year, this host and its subdomains; no `preload` (that list is the operator's choice). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** For JSON, XML and text answers, which load nothing and are never framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export type PagePolicyOptions = {
  /** Fresh for every request: 16 random bytes, base64. */
  nonce: string;
  /** The request reached the browser over https (lib/server/request-meta.ts isHttpsRequest). */
  https: boolean;
  /** Origins allowed to frame pages (GATEHOUSE_FRAME_ANCESTORS); empty: none. */
  frameAncestors: readonly string[];
  /** `next dev` only: React rebuilds server error stacks in the browser with eval. */
  dev?: boolean;
};

/**
 * A page's policy. Scripts run only with this request's nonce ('strict-dynamic' lets them load
 * the chunks they need); no inline script or style without it, no eval, no plugins, no <base>,
 * forms post only here. Images may be data: URLs (the TOTP enrolment QR code).
 */
export function pageContentSecurityPolicy({ nonce, https, frameAncestors, dev = false }: PagePolicyOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * The headers proxy.ts adds to a page (nonce given) or an API answer (none). X-Frame-Options
 * says DENY for browsers without frame-ancestors, and is left out when embedding is allowed (it
 * cannot name origins).
 */
export function routeSecurityHeaders(options: Omit<PagePolicyOptions, 'nonce'> & { nonce: string | null }): Record<string, string> {
  const { nonce, https, frameAncestors } = options;
  const headers: Record<string, string> = {
    'Content-Security-Policy': nonce === null ? API_CONTENT_SECURITY_POLICY : pageContentSecurityPolicy({ ...options, nonce }),
  };
  if (nonce === null || frameAncestors.length === 0) headers['X-Frame-Options'] = 'DENY';
  if (https) headers['Strict-Transport-Security'] = STRICT_TRANSPORT_SECURITY;
  return headers;
}

/** A fresh nonce for a page's policy. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/** SCIM's answers and the 503s the production server writes without Next.js, as lower-case keys. */
export const MACHINE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.fromEntries([
  ...SECURITY_HEADERS.map(({ key, value }) => [key.toLowerCase(), value]),
  ['content-security-policy', API_CONTENT_SECURITY_POLICY],
  ['x-frame-options', 'DENY'],
]);
