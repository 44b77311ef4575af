// GET /api/sso/saml/test — the second half of a SAML "test connection": the ACS ran every check
// and sealed the answer for this browser; here, with the admin's session (a top-level GET brings
// the Lax session cookie), the report is made and audited exactly as the OIDC test's
// (lib/sso/test-connection.ts), then shown on /settings/sso/test. Never a session.
import { NextResponse } from 'next/server';
import { getSession } from '@/lib/auth/session';
import { currentRequestMeta } from '@/lib/server/request';
import { originFrom } from '@/lib/server/request-meta';
import { defineRoute } from '@/lib/server/route';
import {
  finishSamlTest,
  openSamlTestAnswer,
  SAML_TEST_COOKIE,
  samlTestCookie,
  sealTestResult,
  SSO_TEST_COOKIE,
  ssoTestCookie,
} from '@/lib/sso/test-connection';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async ({ req }) => {
  const answer = await openSamlTestAnswer(req.cookies.get(SAML_TEST_COOKIE)?.value);
  const test = await finishSamlTest(answer, await getSession(), await currentRequestMeta());
  const res = NextResponse.redirect(new URL('/settings/sso/test', originFrom(req.headers)), 303);
  res.cookies.set(SAML_TEST_COOKIE, '', { ...samlTestCookie, maxAge: 0 });
  res.cookies.set(SSO_TEST_COOKIE, await sealTestResult(test), ssoTestCookie);
  return res;
});
