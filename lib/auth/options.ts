// next-auth v4 configuration. The JWT carries only { sid }: the sessions table is the truth,
// and requireSession() checks it on every request.
import { cookies } from 'next/headers';
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { isHttpsRequest, requestMetaFrom } from '@/lib/server/request-meta';
import { ORG_COOKIE, rememberOrgCookie } from './cookies';
import { authSecret } from './secret';
import { passwordSignInInput, signInWithPassword } from './sign-in';

/** Thrown from authorize(); next-auth hands the message to the sign-in form as `error`. */
export const RATE_LIMITED_ERROR_PREFIX = 'rate_limited:';

/** How long the session cookie lives; the sessions row's idle and absolute limits decide sooner. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export function authOptionsFor(headers: Headers): AuthOptions {
  return {
    secret: authSecret(),
    useSecureCookies: isHttpsRequest(headers),
    // The cookie may outlive the session; the sessions row decides (idle and absolute limits).
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Password',
        credentials: { orgSlug: {}, email: {}, password: {} },
        async authorize(credentials, req) {
          const parsed = passwordSignInInput.safeParse(credentials);
          if (!parsed.success) return null;
          const result = await signInWithPassword(parsed.data, requestMetaFrom(req.headers ?? {}));
          if (result.ok) {
            (await cookies()).set(ORG_COOKIE, result.orgSlug, rememberOrgCookie);
            return { id: result.sessionId };
          }
          if (result.reason === 'rate_limited') throw new Error(`${RATE_LIMITED_ERROR_PREFIX}${result.retryAfterSeconds}`);
          return null;
        },
      }),
    ],
    callbacks: {
      jwt: ({ token, user }) => ({ sid: user ? user.id : token.sid }),
      session: ({ session }) => ({ expires: session.expires }),
    },
  };
}
