// Who is asking: request id, client IP and user agent, read from request headers. Pure, so the
// next-auth callbacks (plain header objects) and Next's headers() share one reading.
import { trustedProxyHops } from '@/lib/env';

export type RequestMeta = { requestId: string; ipAddress: string | null; userAgent: string | null };
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** One header of a web Headers or of a plain object (Node's request headers, next-auth's). */
export function headerOf(source: HeaderSource, name: string): string | null {
  if (source instanceof Headers) return source.get(name);
  const value = source[name] ?? source[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id proxy.ts put on the request, or a fresh one. */
export function requestIdFrom(value: string | null | undefined): string {
  return value && REQUEST_ID.test(value) ? value : crypto.randomUUID();
}

/**
 * The client's address: the X-Forwarded-For entry added by the outermost trusted proxy.
 * With no trusted proxies this is the socket's peer, which scripts/server.mjs appends (decision 0024).
 */
export function clientIpFrom(source: HeaderSource): string | null {
  const chain = (headerOf(source, 'x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return null;
  const ip = chain[Math.max(0, chain.length - 1 - trustedProxyHops())]!;
  return ip.replace(/^::ffff:/, '').slice(0, 64);
}

export function requestMetaFrom(source: HeaderSource): RequestMeta {
  return {
    requestId: requestIdFrom(headerOf(source, 'x-request-id')),
    ipAddress: clientIpFrom(source),
    userAgent: headerOf(source, 'user-agent')?.slice(0, 512) ?? null,
  };
}

/** https as seen by the browser: an https public URL, or a trusted proxy saying so. */
export function isHttpsRequest(source: HeaderSource): boolean {
  if ((process.env.NEXTAUTH_URL ?? '').startsWith('https://')) return true;
  return trustedProxyHops() > 0 && headerOf(source, 'x-forwarded-proto') === 'https';
}

/** The origin the browser used (NEXTAUTH_URL when set), for links in emails, copy boxes and SCIM locations. */
export function originFrom(source: HeaderSource): string {
  if (process.env.NEXTAUTH_URL) return new URL(process.env.NEXTAUTH_URL).origin;
  const host = headerOf(source, 'x-forwarded-host') ?? headerOf(source, 'host') ?? 'localhost:3000';
  const proto = headerOf(source, 'x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}
