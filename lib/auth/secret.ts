import { randomBytes } from 'node:crypto';
import { secretFromEnvOrDataDir } from '@/lib/keys/generated-secrets';

/** The secret that signs and encrypts next-auth's session cookie. */
export function authSecret(): string {
  const secret = secretFromEnvOrDataDir(
    ['NEXTAUTH_SECRET', 'AUTH_SECRET'],
    'auth-secret',
    () => randomBytes(32).toString('base64url'),
    'Generate one with: openssl rand -base64 32',
  );
  if (secret.length < 32) throw new Error('NEXTAUTH_SECRET must be at least 32 characters long.');
  return secret;
}
