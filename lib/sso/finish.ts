// The browser's last step of an SSO sign-in (OIDC callback and SAML ACS alike): on success the
// same session cookie password sign-in gives (next-auth's JWT holding only the session id); on a
// refusal the organization's sign-in page with the reason. The binding cookie is cleared either way.
import { NextResponse, type NextRequest } from 'next/server';
import { encode } from 'next-auth/jwt';
import { ORG_COOKIE, SECURE_SESSION_COOKIE, SESSION_COOKIE, rememberOrgCookie } from '@/lib/auth/cookies';
import { SESSION_MAX_AGE_SECONDS } from '@/lib/auth/options';
import { authSecret } from '@/lib/auth/secret';
import { isHttpsRequest, originFrom } from '@/lib/server/request-meta';
import { SSO_BINDING_COOKIE, ssoBindingCookie, type SsoBinding } from './binding';
import { organizationSlug, type SsoResult } from './sign-in';

export async function ssoFinishResponse(req: NextRequest, result: SsoResult, binding: SsoBinding | null, orgIdHint: string | null = null): Promise<NextResponse> {
  const origin = originFrom(req.headers);
  const orgId = binding?.orgId ?? orgIdHint;
  const slug = result.ok ? result.orgSlug : ((orgId && (await organizationSlug(orgId))) ?? req.cookies.get(ORG_COOKIE)?.value ?? null);
  const target = result.ok ? '/' : slug ? `/sign-in/${slug}?sso_error=${result.reason}` : `/sign-in?sso_error=${result.reason}`;
  const res = NextResponse.redirect(new URL(target, origin), 303);
  res.cookies.set(SSO_BINDING_COOKIE, '', { ...ssoBindingCookie, maxAge: 0 });
  if (result.ok) {
    const secure = isHttpsRequest(req.headers);
    const token = await encode({ token: { sid: result.sessionId }, secret: authSecret(), maxAge: SESSION_MAX_AGE_SECONDS });
    res.cookies.set(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: SESSION_MAX_AGE_SECONDS });
    res.cookies.set(ORG_COOKIE, result.orgSlug, rememberOrgCookie);
  }
  return res;
}
