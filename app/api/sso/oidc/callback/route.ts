// GET /api/sso/oidc/callback — where the OIDC identity provider returns the browser (Jackson's
// oidcPath). The exchange happens in-process (lib/sso/sign-in.ts); on success the browser gets
// the same session cookie password sign-in gives (next-auth's JWT holding only the session id).
import { NextResponse } from 'next/server';
import { encode } from 'next-auth/jwt';
import { ORG_COOKIE, SECURE_SESSION_COOKIE, SESSION_COOKIE, rememberOrgCookie } from '@/lib/auth/cookies';
import { SESSION_MAX_AGE_SECONDS } from '@/lib/auth/options';
import { authSecret } from '@/lib/auth/secret';
import { currentRequestMeta } from '@/lib/server/request';
import { isHttpsRequest, originFrom } from '@/lib/server/request-meta';
import { defineRoute } from '@/lib/server/route';
import { openBinding, SSO_BINDING_COOKIE, ssoBindingCookie } from '@/lib/sso/binding';
import { completeSsoSignIn, organizationSlug } from '@/lib/sso/sign-in';
import { completeSsoTest, sealTestResult, SSO_TEST_COOKIE, ssoTestCookie } from '@/lib/sso/test-connection';
import { getSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async ({ req }) => {
  const binding = await openBinding(req.cookies.get(SSO_BINDING_COOKIE)?.value);
  const params = Object.fromEntries(req.nextUrl.searchParams);
  if (binding?.testBy) {
    // "Test connection" from the settings page: a report for the admin, never a session.
    const session = await getSession();
    const test = await completeSsoTest(params, binding, session, await currentRequestMeta());
    const res = NextResponse.redirect(new URL('/settings/sso/test', originFrom(req.headers)), 303);
    res.cookies.set(SSO_BINDING_COOKIE, '', { ...ssoBindingCookie, maxAge: 0 });
    res.cookies.set(SSO_TEST_COOKIE, await sealTestResult(test), ssoTestCookie);
    return res;
  }
  const result = await completeSsoSignIn(params, binding, await currentRequestMeta());
  const origin = originFrom(req.headers);
  const slug = result.ok ? result.orgSlug : ((binding && (await organizationSlug(binding.orgId))) ?? req.cookies.get(ORG_COOKIE)?.value ?? null);
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
});
