// Google's code exchange, as next-auth's provider `token.request`, so that the ID token's nonce and
// times are ours to check and to audit (lib/auth/id-token.ts, from the signIn callback). With its
// default exchange, openid-client's callback() compares the token's nonce with one it did not send
// (ours is sealed in the organization's binding cookie, not in next-auth's) and refuses an expired
// token before our audit sees it. Here, as callback() would: Google's error and the state, the code
// exchange with the PKCE verifier; then the ID token's signature against the issuer's JWKS, its
// issuer and audience (and `azp` when there are several), with jose. Nothing else is checked here.
import { compactVerify, createRemoteJWKSet, decodeJwt } from 'jose';
import type { TokenEndpointHandler } from 'next-auth/providers/oauth';

type Exchange = NonNullable<Exclude<TokenEndpointHandler, string>['request']>;

/** Asymmetric algorithms only: a JWKS publishes public keys, and `none` or HMAC prove nothing here. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(uri: string) {
  let set = keySets.get(uri);
  if (!set) keySets.set(uri, (set = createRemoteJWKSet(new URL(uri))));
  return set;
}

/** The audience is us: our client id, alone or among several, then named by `azp`. */
export function isForClient(claims: { aud?: unknown; azp?: unknown }, clientId: string): boolean {
  if (claims.aud === clientId) return claims.azp === undefined || claims.azp === clientId;
  return Array.isArray(claims.aud) && claims.aud.includes(clientId) && claims.azp === clientId;
}

export const exchangeGoogleCode: Exchange = async ({ client, params, checks, provider }) => {
  if (params.error) throw new Error(`Google answered ${String(params.error).slice(0, 100)}`);
  if (!checks.state || typeof params.state !== 'string' || params.state !== checks.state) throw new Error('state mismatch');
  if (typeof params.code !== 'string') throw new Error('no authorization code');
  const tokens = await client.grant({
    grant_type: 'authorization_code',
    code: params.code,
    redirect_uri: provider.callbackUrl,
    code_verifier: checks.code_verifier,
  });
  const issuer = client.issuer.metadata;
  if (typeof tokens.id_token !== 'string' || !issuer.jwks_uri) throw new Error('no ID token');
  await compactVerify(tokens.id_token, keySet(issuer.jwks_uri), { algorithms: ALGORITHMS });
  const claims = decodeJwt(tokens.id_token);
  if (claims.iss !== issuer.issuer) throw new Error('ID token from another issuer');
  if (!isForClient(claims, client.metadata.client_id)) throw new Error('ID token for another client');
  return { tokens };
};
