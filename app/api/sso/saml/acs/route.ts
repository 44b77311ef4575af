// POST /api/sso/saml/acs — our SAML Assertion Consumer Service: the IdP's HTTP-POST binding
// brings the browser here with a SAMLResponse. A body over the size cap is refused before it is
// read; everything else is lib/sso/saml.ts (our checks, Jackson, the shared sign-in path). A
// "test connection" binding runs the same checks and goes on to /api/sso/saml/test for its report.
import { currentRequestMeta } from '@/lib/server/request';
import { defineRoute } from '@/lib/server/route';
import { NextResponse } from 'next/server';
import { originFrom } from '@/lib/server/request-meta';
import { openBinding, SSO_BINDING_COOKIE, ssoBindingCookie } from '@/lib/sso/binding';
import { ssoFinishResponse } from '@/lib/sso/finish';
import { completeSamlSignIn, readSamlPost, samlIssuerOrgId } from '@/lib/sso/saml';
import { SAML_RESPONSE_MAX_BYTES } from '@/lib/sso/saml-checks';
import { checkSamlTest, SAML_TEST_COOKIE, samlTestCookie, sealSamlTestAnswer } from '@/lib/sso/test-connection';

export const dynamic = 'force-dynamic';

/** The form body: the base64 response (4/3 of the cap), the RelayState and form encoding. */
const BODY_MAX = Math.ceil((SAML_RESPONSE_MAX_BYTES * 4) / 3) * 3 + 16 * 1024;

/** The body as text, or null as soon as it passes BODY_MAX (declared or streamed). */
async function cappedBody(req: Request): Promise<string | null> {
  if (Number(req.headers.get('content-length') ?? '0') > BODY_MAX) return null;
  if (!req.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > BODY_MAX) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const POST = defineRoute({ auth: 'none' }, async ({ req }) => {
  const binding = await openBinding(req.cookies.get(SSO_BINDING_COOKIE)?.value);
  const text = await cappedBody(req);
  const form = text === null ? null : new URLSearchParams(text);
  const body = form
    ? readSamlPost({ SAMLResponse: form.get('SAMLResponse') ?? undefined, RelayState: form.get('RelayState') ?? undefined })
    : null;
  if (binding?.testBy) {
    // "Test connection": every check runs here; the report is made in the admin's signed-in
    // browser by the GET this redirects to (the session cookie does not come on this POST).
    const answer = await checkSamlTest(body, binding, await currentRequestMeta());
    const res = NextResponse.redirect(new URL('/api/sso/saml/test', originFrom(req.headers)), 303);
    res.cookies.set(SSO_BINDING_COOKIE, '', { ...ssoBindingCookie, maxAge: 0 });
    res.cookies.set(SAML_TEST_COOKIE, await sealSamlTestAnswer(answer), samlTestCookie);
    return res;
  }
  if (!body) return ssoFinishResponse(req, { ok: false, reason: 'saml_too_large' }, binding);
  const result = await completeSamlSignIn(body, binding, await currentRequestMeta());
  const orgHint = !result.ok && !binding ? await samlIssuerOrgId(body) : null;
  return ssoFinishResponse(req, result, binding, orgHint);
});
