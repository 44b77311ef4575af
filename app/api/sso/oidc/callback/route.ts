// GET /api/sso/oidc/callback — where the OIDC identity provider returns the browser (Jackson's
// oidcPath). The exchange happens in-process (lib/sso/sign-in.ts); on success the browser gets
// the same session cookie password sign-in gives (next-auth's JWT holding only the session id).
import { currentRequestMeta } from '@/lib/server/request';
import { defineRoute } from '@/lib/server/route';
import { openBinding, SSO_BINDING_COOKIE } from '@/lib/sso/binding';
import { ssoFinishResponse } from '@/lib/sso/finish';
import { completeSsoSignIn } from '@/lib/sso/sign-in';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async ({ req }) => {
  const binding = await openBinding(req.cookies.get(SSO_BINDING_COOKIE)?.value);
  const params = Object.fromEntries(req.nextUrl.searchParams);
  const result = await completeSsoSignIn(params, binding, await currentRequestMeta());
  return ssoFinishResponse(req, result, binding);
});
