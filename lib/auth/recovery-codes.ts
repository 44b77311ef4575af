// Recovery codes: ten single-use codes shown once when two-factor is enabled (or regenerated), for
// a lost authenticator. Only their SHA-256 is stored. 50 random bits each, typed as xxxxx-xxxxx.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@/lib/crypto/tokens';
import { base32Encode } from './totp';

export const RECOVERY_CODE_COUNT = 10;

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

/** Case, spaces and dashes do not matter when a code is typed. */
export function normalizeRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

export function hashRecoveryCode(code: string): string {
  return sha256Hex(`gatehouse-recovery:${normalizeRecoveryCode(code)}`);
}

/** What the user typed looks like a recovery code rather than an authenticator code. */
export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z2-7]{10}$/.test(normalizeRecoveryCode(code));
}
