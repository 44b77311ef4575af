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
  const opened = await openBinding(req.cookies.get(SSO_BINDING_COOKIE)?.value);
  // A "test connection" binding never completes a sign-in (tests run through the OIDC callback).
  const binding = opened?.testBy ? null : opened;
  const text = await cappedBody(req);
  if (text === null) {
    return ssoFinishResponse(req, { ok: false, reason: 'saml_too_large' }, binding);
  }
  const form = new URLSearchParams(text);
  const result = await completeSamlSignIn({ SAMLResponse: form.get('SAMLResponse') ?? undefined, RelayState: form.get('RelayState') ?? undefined }, binding, await currentRequestMeta());
  const orgHint = !result.ok && !binding ? await samlIssuerOrgId(form.get('SAMLResponse') ?? '') : null;
  return ssoFinishResponse(req, result, binding, orgHint);
});
