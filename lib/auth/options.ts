// next-auth v4 configuration. The JWT carries only { sid }: the sessions table is the truth,
// and requireSession() checks it on every request.
import { cookies } from 'next/headers';
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import GoogleProvider from 'next-auth/providers/google';
import { googleClient } from '@/lib/env';
import { isHttpsRequest, requestMetaFrom } from '@/lib/server/request-meta';
import { SESSION_ABSOLUTE_RANGE } from '@/lib/sessions/limits';
import { endSessionById } from '@/lib/sessions/writes';
import { completeSecondFactor } from './challenge';
import { CHALLENGE_COOKIE, LINK_COOKIE, ORG_COOKIE, challengeCookie, linkCookie, rememberOrgCookie } from './cookies';
import { completeGoogleSignIn, GOOGLE_BINDING_COOKIE, googleBindingCookie, openGoogleBinding, type GoogleClaims } from './google';
import { exchangeGoogleCode } from './google-token';
import { authSecret } from './secret';
import { passwordSignInInput, signInWithPassword } from './sign-in';

/** Thrown from authorize(); next-auth hands the message to the sign-in form as `error`. */
export const RATE_LIMITED_ERROR_PREFIX = 'rate_limited:';
/** The password was right; the browser continues at /sign-in/two-factor (the challenge cookie is set). */
export const SECOND_FACTOR_REQUIRED_ERROR = 'second_factor_required';
/** The organization enforces SSO and this is not a break-glass admin's right password (lib/auth/sso-enforcement.ts). */
export const SSO_ENFORCED_ERROR = 'sso_enforced';
/** The pending sign-in is gone (expired, used, too many wrong codes): start over. */
export const START_OVER_ERROR = 'start_over';
/** A wrong code; the suffix is how many attempts are left. */
export const WRONG_CODE_ERROR_PREFIX = 'wrong_code:';

/**
 * How long the session cookie lives: as long as the longest absolute limit an organization may set,
 * so that limit holds; the sessions row's idle and absolute limits decide sooner.
 */
export const SESSION_MAX_AGE_SECONDS = SESSION_ABSOLUTE_RANGE.max * 60;

/**
 * Google (0016), when the instance has a client: next-auth keeps state and PKCE; our exchange
 * (google-token.ts) verifies the ID token's signature, issuer and audience; the signIn callback
 * below checks its nonce and times, decides and creates the session. GOOGLE_ISSUER points it
 * elsewhere. `nonce` is the one sealed in this browser's binding cookie: sent when the sign-in
 * starts, required in the ID token at the callback.
 */
function googleProviders(nonce: string | undefined) {
  const client = googleClient();
  if (!client) return [];
  return [
    GoogleProvider({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      wellKnown: `${client.issuer}/.well-known/openid-configuration`,
      issuer: client.issuer,
      checks: ['pkce', 'state'],
      authorization: { params: { scope: 'openid email profile', ...(nonce ? { nonce } : {}) } },
      token: { request: exchangeGoogleCode },
    }),
  ];
}

/**
 * After next-auth verified Google's answer: the organization this browser chose (sealed cookie),
 * our decision, and our session. Without an adapter next-auth hands the same `user` object on to
 * the jwt callback, so its id becomes our session id, as the credentials providers' does.
 */
async function googleSignIn(user: { id: string }, claims: GoogleClaims, headers: Headers): Promise<string | true> {
  const jar = await cookies();
  const bindingValue = await openGoogleBinding(jar.get(GOOGLE_BINDING_COOKIE)?.value);
  jar.set(GOOGLE_BINDING_COOKIE, '', { ...googleBindingCookie, maxAge: 0 });
  const result = await completeGoogleSignIn(claims, bindingValue, requestMetaFrom(headers));
  if (!result.ok && result.linkToken && result.orgSlug) {
    jar.set(LINK_COOKIE, result.linkToken, linkCookie(isHttpsRequest(headers)));
    return `/sign-in/${result.orgSlug}/link`;
  }
  if (!result.ok)
    return result.orgSlug ? `/sign-in/${result.orgSlug}?google_error=${result.reason}` : `/sign-in?google_error=${result.reason}`;
  jar.set(ORG_COOKIE, result.orgSlug, rememberOrgCookie);
  user.id = result.sessionId;
  return true;
}

/** next-auth's options for this request; the Google binding cookie, when there is one, gives the nonce. */
export async function authOptionsForRequest(headers: Headers): Promise<AuthOptions> {
  const binding = await openGoogleBinding((await cookies()).get(GOOGLE_BINDING_COOKIE)?.value);
  return authOptionsFor(headers, binding?.nonce);
}

export function authOptionsFor(headers: Headers, googleNonce?: string): AuthOptions {
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
          if (result.reason === 'second_factor_required') {
            const jar = await cookies();
            jar.set(ORG_COOKIE, result.orgSlug, rememberOrgCookie);
            jar.set(CHALLENGE_COOKIE, result.challengeToken, challengeCookie(isHttpsRequest(headers)));
            throw new Error(SECOND_FACTOR_REQUIRED_ERROR);
          }
          if (result.reason === 'sso_enforced') throw new Error(SSO_ENFORCED_ERROR);
          return null;
        },
      }),
      // The only way from a pending challenge to a session: the cookie's challenge plus a code.
      CredentialsProvider({
        id: 'second-factor',
        name: 'Two-factor code',
        credentials: { code: {} },
        async authorize(credentials, req) {
          const code = typeof credentials?.code === 'string' && credentials.code.length <= 32 ? credentials.code : null;
          const jar = await cookies();
          const result = await completeSecondFactor(jar.get(CHALLENGE_COOKIE)?.value, code, requestMetaFrom(req.headers ?? {}));
          if (result.ok) {
            jar.delete(CHALLENGE_COOKIE);
            return { id: result.sessionId };
          }
          if (result.reason === 'rate_limited') throw new Error(`${RATE_LIMITED_ERROR_PREFIX}${result.retryAfterSeconds}`);
          if (result.reason === 'wrong_code') throw new Error(`${WRONG_CODE_ERROR_PREFIX}${result.attemptsLeft}`);
          if (result.reason === 'start_over') jar.delete(CHALLENGE_COOKIE);
          throw new Error(START_OVER_ERROR);
        },
      }),
      ...googleProviders(googleNonce),
    ],
    callbacks: {
      signIn: ({ user, account, profile }) =>
        account?.provider === 'google' ? googleSignIn(user, (profile ?? {}) as GoogleClaims, headers) : true,
      jwt: ({ token, user }) => ({ sid: user ? user.id : token.sid }),
      session: ({ session }) => ({ expires: session.expires }),
    },
    events: {
      // next-auth's own POST /api/auth/signout clears the cookie; the session row must die with it.
      signOut: async ({ token }) => {
        if (typeof token?.sid === 'string') await endSessionById(token.sid, requestMetaFrom(headers));
      },
    },
  };
}
