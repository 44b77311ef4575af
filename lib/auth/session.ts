// requireSession(): the one way to read who is signed in. Memoized per request; the sessions
// row, not the cookie, decides (revoked, expired, idle and disabled users are rejected).
import 'server-only';
import { cache } from 'react';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { decode } from 'next-auth/jwt';
import { currentRequestMeta } from '@/lib/server/request';
import type { RequestMeta } from '@/lib/server/request-meta';
import { findActiveSession, type ActiveSession } from '@/lib/sessions/reads';
import { SESSION_COOKIES } from './cookies';
import { authSecret } from './secret';

export type SessionCtx = ActiveSession & { request: RequestMeta };

async function sessionIdFromCookie(): Promise<string | null> {
  const jar = await cookies();
  for (const name of SESSION_COOKIES) {
    const token = jar.get(name)?.value;
    if (!token) continue;
    const jwt = await decode({ token, secret: authSecret() }).catch(() => null);
    if (typeof jwt?.sid === 'string') return jwt.sid;
  }
  return null;
}

/** The signed-in session, or null. */
export const getSession = cache(async (): Promise<SessionCtx | null> => {
  const sid = await sessionIdFromCookie();
  if (!sid) return null;
  const session = await findActiveSession(sid);
  return session ? { ...session, request: await currentRequestMeta() } : null;
});

/** The signed-in session; anyone else is sent to the sign-in page. */
export const requireSession = cache(async (): Promise<SessionCtx> => {
  const session = await getSession();
  if (!session) redirect('/sign-in');
  return session;
});
