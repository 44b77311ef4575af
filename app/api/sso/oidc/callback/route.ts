// GET /api/sso/oidc/callback — where the OIDC identity provider returns the browser (Jackson's
// oidcPath). The exchange happens in-process (lib/sso/sign-in.ts); on success the browser gets
// the same session cookie password sign-in gives (next-auth's JWT holding only the session id).
import { currentRequestMeta } from '@/lib/server/request';
import { defineRoute } from '@/lib/server/route';
import { NextResponse } from 'next/server';
import { getSession } from '@/lib/auth/session';
import { originFrom } from '@/lib/server/request-meta';
import { openBinding, SSO_BINDING_COOKIE, ssoBindingCookie } from '@/lib/sso/binding';
import { ssoFinishResponse } from '@/lib/sso/finish';
import { completeSsoSignIn } from '@/lib/sso/sign-in';
import { completeSsoTest, sealTestResult, SSO_TEST_COOKIE, ssoTestCookie } from '@/lib/sso/test-connection';

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
  return ssoFinishResponse(req, result, binding);
});
