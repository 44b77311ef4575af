// next-auth's session cookie names: the __Secure- prefix is used when served over https.
export const SESSION_COOKIE = 'next-auth.session-token';
export const SECURE_SESSION_COOKIE = '__Secure-next-auth.session-token';
export const SESSION_COOKIES = [SECURE_SESSION_COOKIE, SESSION_COOKIE] as const;
/** Remembers which organization's sign-in page to show. Not a secret. */
export const ORG_COOKIE = 'gatehouse-org';
export const rememberOrgCookie = { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 } as const;
/** Binds a pending second-factor sign-in (lib/auth/challenge.ts) to this browser: a random token, hashed in the row. */
export const CHALLENGE_COOKIE = 'gatehouse-2fa';
export const challengeCookie = (secure: boolean) => ({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 5 * 60, secure }) as const;
/** Binds a pending identity link (lib/auth/identity-link.ts) to this browser: a random token, hashed in the row. */
export const LINK_COOKIE = 'gatehouse-link';
export const linkCookie = (secure: boolean) => ({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 10 * 60, secure }) as const;
