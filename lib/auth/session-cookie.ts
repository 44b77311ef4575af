// The session cookie every sign-in path outside next-auth's own callbacks sets (SSO finish, identity
// link): next-auth's JWT holding only the session id, under next-auth's cookie name.
import { encode } from 'next-auth/jwt';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from './cookies';
import { SESSION_MAX_AGE_SECONDS } from './options';
import { authSecret } from './secret';

export async function sessionCookieFor(sessionId: string, secure: boolean) {
  const value = await encode({ token: { sid: sessionId }, secret: authSecret(), maxAge: SESSION_MAX_AGE_SECONDS });
  return {
    name: secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE,
    value,
    options: { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: SESSION_MAX_AGE_SECONDS } as const,
  };
}
