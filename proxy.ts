// Runs before every page and API request: stamps a request id on the request and the response,
// puts the security headers on every answer (a page's Content-Security-Policy with a fresh nonce,
// which Next.js reads from the request to mark its own scripts; decision 0037), refuses server
// actions posted from another origin (403), remembers the organization of a sign-in link, and
// sends visitors without a session cookie to the sign-in page. Optimistic only: it reads no
// database; requireSession() decides.
import { NextResponse, type NextRequest } from 'next/server';
import { ORG_COOKIE, SESSION_COOKIES, rememberOrgCookie } from '@/lib/auth/cookies';
import { frameAncestors } from '@/lib/env';
import { isHttpsRequest, requestIdFrom } from '@/lib/server/request-meta';
import { CROSS_ORIGIN_ACTION_MESSAGE, isCrossOriginAction } from '@/lib/server/same-origin';
import { newNonce, routeSecurityHeaders } from '@/lib/server/security-headers';

const PUBLIC_PREFIXES = ['/sign-in', '/setup', '/signup', '/invite', '/api/', '/.well-known/'];

function isPublic(pathname: string): boolean {
  return PUBLIC_PREFIXES.some((p) => pathname === p || pathname.startsWith(p.endsWith('/') ? p : `${p}/`));
}

export function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  const { pathname, search } = request.nextUrl;
  const security = routeSecurityHeaders({
    nonce: pathname === '/api' || pathname.startsWith('/api/') ? null : newNonce(),
    https: isHttpsRequest(request.headers),
    frameAncestors: frameAncestors(),
    dev: process.env.NODE_ENV === 'development',
  });

  let response: NextResponse;
  if (isCrossOriginAction(request.method, pathname, request.headers)) {
    // Next would refuse it too, but with a 500 (lib/server/same-origin.ts).
    response = NextResponse.json({ error: { code: 'forbidden', message: CROSS_ORIGIN_ACTION_MESSAGE, requestId } }, { status: 403 });
  } else if (!isPublic(pathname) && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const url = new URL('/sign-in', request.url);
    if (pathname !== '/') url.searchParams.set('callbackUrl', pathname + search);
    response = NextResponse.redirect(url);
  } else {
    const headers = new Headers(request.headers);
    headers.set('x-request-id', requestId);
    // The renderer takes the nonce from the request's policy; a client's own header never counts.
    headers.delete('content-security-policy-report-only');
    headers.set('content-security-policy', security['Content-Security-Policy']!);
    response = NextResponse.next({ request: { headers } });
    const slug = /^\/sign-in\/([a-z0-9-]{3,40})$/.exec(pathname)?.[1];
    if (slug && slug !== 'two-factor' && request.cookies.get(ORG_COOKIE)?.value !== slug) {
      response.cookies.set(ORG_COOKIE, slug, rememberOrgCookie);
    }
  }
  response.headers.set('x-request-id', requestId);
  for (const [name, value] of Object.entries(security)) response.headers.set(name, value);
  return response;
}

export const config = {
  // SCIM is machine traffic with its own request ids and bearer tokens, and public/'s files are
  // for everyone: they skip the proxy.
  matcher: [
    '/((?!_next/static|_next/image|favicon.ico|icon.svg|icon-192.png|icon-512.png|apple-touch-icon.png|manifest.webmanifest|robots.txt|api/scim/).*)',
  ],
};
