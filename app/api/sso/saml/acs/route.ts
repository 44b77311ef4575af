// POST /api/sso/saml/acs — our SAML Assertion Consumer Service: the IdP's HTTP-POST binding
// brings the browser here with a SAMLResponse. A body over the size cap is refused before it is
// read; everything else is lib/sso/saml.ts (our checks, Jackson, the shared sign-in path).
import { currentRequestMeta } from '@/lib/server/request';
import { defineRoute } from '@/lib/server/route';
import { openBinding, SSO_BINDING_COOKIE } from '@/lib/sso/binding';
import { ssoFinishResponse } from '@/lib/sso/finish';
import { completeSamlSignIn, samlIssuerOrgId } from '@/lib/sso/saml';
import { SAML_RESPONSE_MAX_BYTES } from '@/lib/sso/saml-checks';

export const dynamic = 'force-dynamic';

/** The form body: the base64 response (4/3 of the cap), the RelayState and form encoding. */
const BODY_MAX = Math.ceil((SAML_RESPONSE_MAX_BYTES * 4) / 3) * 3 + 16 * 1024;

export const POST = defineRoute({ auth: 'none' }, async ({ req }) => {
  const binding = await openBinding(req.cookies.get(SSO_BINDING_COOKIE)?.value);
  const length = Number(req.headers.get('content-length') ?? '0');
  const text = length > BODY_MAX ? null : await req.text();
  if (text === null || text.length > BODY_MAX) {
    return ssoFinishResponse(req, { ok: false, reason: 'saml_too_large' }, binding);
  }
  const form = new URLSearchParams(text);
  const result = await completeSamlSignIn({ SAMLResponse: form.get('SAMLResponse') ?? undefined, RelayState: form.get('RelayState') ?? undefined }, binding, await currentRequestMeta());
  const orgHint = !result.ok && !binding ? await samlIssuerOrgId(form.get('SAMLResponse') ?? '') : null;
  return ssoFinishResponse(req, result, binding, orgHint);
});
