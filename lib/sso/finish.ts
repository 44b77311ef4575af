// The browser's last step of an SSO sign-in (OIDC callback and SAML ACS alike): on success the
// same session cookie password sign-in gives (next-auth's JWT holding only the session id); on a
// refusal the organization's sign-in page with the reason, or the link page when the email belongs
// to an account that may prove itself (lib/auth/identity-link.ts). The binding cookie is cleared either way.
import { NextResponse, type NextRequest } from 'next/server';
import { LINK_COOKIE, ORG_COOKIE, linkCookie, rememberOrgCookie } from '@/lib/auth/cookies';
import { sessionCookieFor } from '@/lib/auth/session-cookie';
import { isHttpsRequest, originFrom } from '@/lib/server/request-meta';
import { SSO_BINDING_COOKIE, ssoBindingCookie, type SsoBinding } from './binding';
import { organizationSlug, type SsoResult } from './sign-in';

export async function ssoFinishResponse(
  req: NextRequest,
  result: SsoResult,
  binding: SsoBinding | null,
  orgIdHint: string | null = null,
): Promise<NextResponse> {
  const origin = originFrom(req.headers);
  const orgId = binding?.orgId ?? orgIdHint;
  const slug = result.ok ? result.orgSlug : ((orgId && (await organizationSlug(orgId))) ?? req.cookies.get(ORG_COOKIE)?.value ?? null);
  const linkToken = !result.ok && slug ? result.linkToken : undefined;
  const target = result.ok
    ? '/'
    : linkToken
      ? `/sign-in/${slug}/link`
      : slug
        ? `/sign-in/${slug}?sso_error=${result.reason}`
        : `/sign-in?sso_error=${result.reason}`;
  const res = NextResponse.redirect(new URL(target, origin), 303);
  if (linkToken) res.cookies.set(LINK_COOKIE, linkToken, linkCookie(isHttpsRequest(req.headers)));
  res.cookies.set(SSO_BINDING_COOKIE, '', { ...ssoBindingCookie, maxAge: 0 });
  if (result.ok) {
    const session = await sessionCookieFor(result.sessionId, isHttpsRequest(req.headers));
    res.cookies.set(session.name, session.value, session.options);
    res.cookies.set(ORG_COOKIE, result.orgSlug, rememberOrgCookie);
  }
  return res;
}
