// The browser binding of an SSO sign-in: the state, the PKCE verifier and the organization that
// started it, sealed (next-auth's JWE, with the auth secret) into a short-lived httpOnly cookie.
// The callback refuses any response that does not carry this browser's state.
import { z } from 'zod';
import { seal, unseal } from '@/lib/auth/sealed';

export const SSO_BINDING_COOKIE = 'gatehouse-sso';
export const SSO_BINDING_MAX_AGE = 10 * 60;
/** Lax, so the cookie comes back on the IdP's top-level redirect to the callback. */
export const ssoBindingCookie = { httpOnly: true, sameSite: 'lax', path: '/api/sso', maxAge: SSO_BINDING_MAX_AGE } as const;

/**
 * SAML's HTTP-POST binding brings the browser back with a cross-site POST, which carries no Lax
 * cookie: the SAML binding cookie is SameSite=None, hence Secure (browsers allow Secure cookies
 * on http only for localhost, so SAML needs https elsewhere).
 */
export const samlBindingCookie = { ...ssoBindingCookie, sameSite: 'none', secure: true } as const;

const SALT = 'gatehouse-sso-binding';

const binding = z.object({
  state: z.string().min(32),
  codeVerifier: z.string().min(43),
  orgId: z.uuid(),
  connectionId: z.uuid(),
  samlRequestId: z.string().min(1).max(256).optional(),
  /** A "test connection" started by this admin: shows the claims, signs no one in. */
  testBy: z.uuid().optional(),
});
export type SsoBinding = z.infer<typeof binding>;

export function sealBinding(value: SsoBinding): Promise<string> {
  return seal(value, SALT, SSO_BINDING_MAX_AGE);
}

/** The binding, or null when the cookie is missing, expired, forged or damaged. */
export async function openBinding(cookie: string | undefined): Promise<SsoBinding | null> {
  const parsed = binding.safeParse(await unseal(cookie, SALT));
  return parsed.success ? parsed.data : null;
}
