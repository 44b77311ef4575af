// Claims from the IdP's access token, for connections that read email or groups there (Keycloak's
// realm_access.roles, Entra's app roles). Only a JWT that verifies is read: its signature against
// the IdP's JWKS (from the discovery document Jackson used), its issuer, its expiry. An opaque
// token cannot be read, and is refused with its own reason.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { IdpTokens } from './jackson';

/** Asymmetric algorithms only: a JWKS publishes public keys, and `none` or HMAC prove nothing here. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Clock skew accepted on exp/nbf/iat, in seconds. */
const CLOCK_TOLERANCE = 60;

// Key sets per JWKS URI: jose caches the fetched keys and refetches on an unknown kid (rate-limited).
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(uri: string) {
  let set = keySets.get(uri);
  if (!set) keySets.set(uri, (set = createRemoteJWKSet(new URL(uri))));
  return set;
}

export type AccessTokenClaims =
  { ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'access_token_not_jwt' | 'access_token_rejected' };

/** Reads a signed JWT in compact form; anything else (opaque, encrypted) is not one. */
function isSignedJwt(token: string): boolean {
  if (token.split('.').length !== 3) return false;
  try {
    return typeof decodeProtectedHeader(token).alg === 'string';
  } catch {
    return false;
  }
}

/**
 * The access token's claims, verified. `tokens` is what captureIdpTokens saw for this sign-in;
 * an empty slot (Jackson no longer reports the token) is refused, never read as "no claims".
 */
export async function verifiedAccessTokenClaims(tokens: IdpTokens): Promise<AccessTokenClaims> {
  const { accessToken, issuer, jwksUri } = tokens;
  if (!accessToken || !issuer || !jwksUri) return { ok: false, reason: 'access_token_rejected' };
  if (!isSignedJwt(accessToken)) return { ok: false, reason: 'access_token_not_jwt' };
  try {
    const { payload } = await jwtVerify(accessToken, keySet(jwksUri), {
      issuer,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE,
      requiredClaims: ['exp'],
    });
    return { ok: true, claims: payload as Record<string, unknown> };
  } catch {
    return { ok: false, reason: 'access_token_rejected' };
  }
}
