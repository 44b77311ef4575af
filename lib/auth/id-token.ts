// The claims of an OpenID ID token that say it answers this sign-in and is current: one check for
// Google (next-auth's provider) and OIDC connections (the embedded Jackson) alike, after the
// library verified the signature, issuer and audience. The nonce must be there (and, where we sent
// it, equal ours); `exp` and `iat` must be there; `exp`, `nbf` and `iat` are honoured with
// ID_TOKEN_CLOCK_SKEW_SECONDS of skew. The libraries' own time checks are looser (see their
// callers), so a refusal here is audited with its reason rather than failing somewhere generic.
import type { ID_TOKEN_FAILURE_REASONS } from '@/lib/audit/events';
import { safeEqual } from '@/lib/crypto/tokens';

export type IdTokenFailure = (typeof ID_TOKEN_FAILURE_REASONS)[number];

/** Clock skew accepted between us and the identity provider. */
export const ID_TOKEN_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * `nonce`: the one this sign-in sent (sealed in this browser's binding), or `checked_upstream` when
 * the library that sent it compared it already (Jackson keeps its nonce in its single-use login
 * session and openid-client refuses another): then only its presence is checked here.
 */
export type ExpectedNonce = { nonce: string } | 'checked_upstream';

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Why the claims are refused, or null when they are fine. `now` in milliseconds. */
export function checkIdTokenClaims(claims: Record<string, unknown>, expected: ExpectedNonce, now = Date.now()): IdTokenFailure | null {
  if (typeof claims.nonce !== 'string' || claims.nonce === '') return 'id_token_nonce_missing';
  if (expected !== 'checked_upstream' && !safeEqual(claims.nonce, expected.nonce)) return 'id_token_nonce_mismatch';
  const seconds = Math.floor(now / 1000);
  if (!isTime(claims.exp) || claims.exp + ID_TOKEN_CLOCK_SKEW_SECONDS <= seconds) return 'id_token_expired';
  if (claims.nbf !== undefined && (!isTime(claims.nbf) || claims.nbf - ID_TOKEN_CLOCK_SKEW_SECONDS > seconds))
    return 'id_token_not_yet_valid';
  if (!isTime(claims.iat) || claims.iat - ID_TOKEN_CLOCK_SKEW_SECONDS > seconds) return 'id_token_issued_in_future';
  return null;
}

/** What the person signing in is told (the audit row has the reason code). */
export const ID_TOKEN_FAILURE_MESSAGES: Record<IdTokenFailure, string> = {
  id_token_nonce_missing:
    'Your identity provider’s answer did not belong to this sign-in, so you were not signed in. Start again from the sign-in page.',
  id_token_nonce_mismatch:
    'Your identity provider’s answer did not belong to this sign-in, so you were not signed in. Start again from the sign-in page.',
  id_token_expired:
    'Your identity provider’s answer had expired, so you were not signed in. Start again; if it happens again, ask your admin.',
  id_token_not_yet_valid:
    'Your identity provider’s answer is not valid yet, so you were not signed in. The server clocks may disagree: ask your admin.',
  id_token_issued_in_future:
    'Your identity provider’s answer is dated in the future, so you were not signed in. The server clocks may disagree: ask your admin.',
};
