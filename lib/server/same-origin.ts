// Server actions posted from another origin. Next refuses them itself, but by throwing, so the
// browser (or the attacker's page) sees a 500 and our logs an error. proxy.ts asks this first and
// answers 403 with a clear body. The rule is Next's own (app-render/action-handler): a POST to a
// page (anything Next may treat as an action: the Next-Action header, or a form post without
// JavaScript) whose Origin names a host other than X-Forwarded-Host's first value or Host. No
// Origin at all is let through, as Next does: only a hand-made request or a very old browser
// sends none, and neither carries a victim's cookies. Route handlers under /api/ are not actions
// (the SAML ACS is cross-site by design; next-auth checks its own CSRF token).
import { headerOf, type HeaderSource } from './request-meta';

export const CROSS_ORIGIN_ACTION_MESSAGE = 'This form was sent from another site, so it was refused. Reload the page and try again.';

export function isCrossOriginAction(method: string, pathname: string, headers: HeaderSource): boolean {
  if (method !== 'POST' || pathname === '/api' || pathname.startsWith('/api/')) return false;
  const origin = headerOf(headers, 'origin');
  if (origin === null) return false;
  let originHost: string;
  try {
    originHost = origin === 'null' ? 'null' : new URL(origin).host;
  } catch {
    return true;
  }
  const forwarded = headerOf(headers, 'x-forwarded-host')?.split(',')[0]?.trim();
  return originHost !== forwarded && originHost !== headerOf(headers, 'host');
}
