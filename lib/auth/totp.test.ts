import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, hashRecoveryCode, looksLikeRecoveryCode } from './recovery-codes';
import { base32Decode, base32Encode, generateTotpSecret, hotp, matchTotp, otpauthUri, totpCode, totpStep } from './totp';

// RFC 6238 Appendix B: the seeds are the ASCII strings below; codes are 8 digits.
const seeds = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};
const vectors: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(vectors)('matches the RFC test vectors at T=%i', (seconds, sha1, sha256, sha512) => {
    const step = totpStep(new Date(seconds * 1000));
    expect(hotp(seeds.sha1, step, 8, 'sha1')).toBe(sha1);
    expect(hotp(seeds.sha256, step, 8, 'sha256')).toBe(sha256);
    expect(hotp(seeds.sha512, step, 8, 'sha512')).toBe(sha512);
  });

  it('gives 6-digit SHA-1 codes for a base32 seed (the last 6 digits of the 8-digit vector)', () => {
    const secret = base32Encode(seeds.sha1);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(totpCode(secret, new Date(59_000))).toBe('287082');
    expect(totpCode(secret, new Date(1111111109_000))).toBe('081804');
  });

  it('round-trips base32, ignoring case, spaces and padding, and refuses other characters', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(base32Decode(secret.toLowerCase().replace(/(.{4})/g, '$1 '))).toEqual(base32Decode(secret));
    expect(() => base32Decode('ABC1')).toThrow();
  });
});

describe('matchTotp: ±1 step, never a used step', () => {
  const secret = base32Encode(seeds.sha1);
  const now = new Date(1234567890_000);
  const step = totpStep(now);
  const codeAt = (s: number) => hotp(seeds.sha1, s);

  it('accepts the current, previous and next step and says which', () => {
    expect(matchTotp(secret, codeAt(step), now, null)).toBe(step);
    expect(matchTotp(secret, codeAt(step - 1), now, null)).toBe(step - 1);
    expect(matchTotp(secret, codeAt(step + 1), now, null)).toBe(step + 1);
    expect(matchTotp(secret, ` ${codeAt(step).slice(0, 3)} ${codeAt(step).slice(3)} `, now, null)).toBe(step);
  });

  it('refuses codes two steps away, malformed input and wrong codes', () => {
    expect(matchTotp(secret, codeAt(step - 2), now, null)).toBeNull();
    expect(matchTotp(secret, codeAt(step + 2), now, null)).toBeNull();
    expect(matchTotp(secret, '12345', now, null)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now, null)).toBeNull();
    const wrong = String((Number(codeAt(step)) + 1) % 1_000_000).padStart(6, '0');
    // With these fixed inputs it is no neighbouring step's code, so the refusal is always checked.
    expect([codeAt(step - 1), codeAt(step + 1)]).not.toContain(wrong);
    expect(matchTotp(secret, wrong, now, null)).toBeNull();
  });

  it('refuses a replay: the accepted step and every earlier one', () => {
    expect(matchTotp(secret, codeAt(step), now, step)).toBeNull();
    expect(matchTotp(secret, codeAt(step - 1), now, step)).toBeNull();
    expect(matchTotp(secret, codeAt(step + 1), now, step)).toBe(step + 1);
    expect(matchTotp(secret, codeAt(step), now, step - 1)).toBe(step);
  });

  it('writes an otpauth URI authenticator apps understand', () => {
    const uri = new URL(otpauthUri(secret, 'Gatehouse (acme)', 'ann@acme.test'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(decodeURIComponent(uri.pathname)).toContain('ann@acme.test');
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes that hash the same however they are typed', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
      expect(looksLikeRecoveryCode(c)).toBe(true);
      expect(hashRecoveryCode(c.toUpperCase().replace('-', ' '))).toBe(hashRecoveryCode(c));
    }
    expect(looksLikeRecoveryCode('123456')).toBe(false);
    expect(hashRecoveryCode(codes[0]!)).not.toContain(codes[0]!.replace('-', ''));
  });
});
