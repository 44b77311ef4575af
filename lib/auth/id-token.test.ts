import { describe, expect, it } from 'vitest';
import { checkIdTokenClaims, ID_TOKEN_CLOCK_SKEW_SECONDS } from './id-token';

const now = Date.UTC(2026, 0, 1, 12);
const t = now / 1000;
const skew = ID_TOKEN_CLOCK_SKEW_SECONDS;
const good = { nonce: 'n-1', iat: t - 10, exp: t + 300 };
const check = (claims: Record<string, unknown>, nonce = 'n-1') => checkIdTokenClaims(claims, { nonce }, now);

describe('ID token claims', () => {
  it('accepts the nonce this sign-in sent, and times within the skew', () => {
    expect(check(good)).toBeNull();
    expect(check({ ...good, iat: t + skew, nbf: t + skew })).toBeNull();
    expect(check({ ...good, exp: t - skew + 1 })).toBeNull();
  });

  it('refuses a missing or foreign nonce', () => {
    expect(check({ ...good, nonce: undefined })).toBe('id_token_nonce_missing');
    expect(check({ ...good, nonce: '' })).toBe('id_token_nonce_missing');
    expect(check({ ...good, nonce: 42 })).toBe('id_token_nonce_missing');
    expect(check(good, 'n-2')).toBe('id_token_nonce_mismatch');
    expect(check(good, 'n-10')).toBe('id_token_nonce_mismatch');
  });

  it('requires only a nonce when the library that sent it compared it', () => {
    expect(checkIdTokenClaims(good, 'checked_upstream', now)).toBeNull();
    expect(checkIdTokenClaims({ ...good, nonce: undefined }, 'checked_upstream', now)).toBe('id_token_nonce_missing');
  });

  it('refuses exp, nbf and iat beyond the skew, and missing or non-numeric times', () => {
    expect(check({ ...good, exp: t - skew })).toBe('id_token_expired');
    expect(check({ ...good, exp: undefined })).toBe('id_token_expired');
    expect(check({ ...good, exp: String(t + 300) })).toBe('id_token_expired');
    expect(check({ ...good, nbf: t + skew + 1 })).toBe('id_token_not_yet_valid');
    expect(check({ ...good, nbf: 'soon' })).toBe('id_token_not_yet_valid');
    expect(check({ ...good, iat: t + skew + 1 })).toBe('id_token_issued_in_future');
    expect(check({ ...good, iat: t + 3600, exp: t + 7200 })).toBe('id_token_issued_in_future');
    expect(check({ ...good, iat: undefined })).toBe('id_token_issued_in_future');
  });
});
