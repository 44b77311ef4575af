// Values sealed into short-lived cookies: next-auth's JWE with the auth secret, a salt per purpose
// (so a cookie sealed for one purpose never opens as another) and a lifetime.
import { decode, encode } from 'next-auth/jwt';
import { authSecret } from './secret';

export function seal(value: Record<string, unknown>, salt: string, maxAge: number): Promise<string> {
  return encode({ token: value, secret: authSecret(), maxAge, salt } as Parameters<typeof encode>[0]);
}

/** The sealed value, or null when the cookie is missing, expired, forged, damaged or sealed for another purpose. */
export async function unseal(cookie: string | undefined, salt: string): Promise<Record<string, unknown> | null> {
  if (!cookie) return null;
  return (await decode({ token: cookie, secret: authSecret(), salt } as Parameters<typeof decode>[0]).catch(() => null)) as Record<
    string,
    unknown
  > | null;
}
