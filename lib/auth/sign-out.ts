import 'server-only';
import { cookies } from 'next/headers';
import { sessionMutation } from '@/lib/server/action';
import { endSession, signOutEverywhere } from '@/lib/sessions/writes';
import { SESSION_COOKIES } from './cookies';
import { getSession, requireSession } from './session';

async function clearSessionCookie(): Promise<void> {
  const jar = await cookies();
  for (const name of SESSION_COOKIES) if (jar.has(name)) jar.delete(name);
}

/** Ends the current session (revoked, LOGOUT audited) and clears the session cookie. */
export async function signOutCurrentSession(): Promise<{ orgSlug: string | null }> {
  const session = await getSession();
  if (session) await sessionMutation(session, endSession);
  await clearSessionCookie();
  return { orgSlug: session?.org.slug ?? null };
}

/** Ends every session of the signed-in user, this one included (REVOKE_USER_SESSIONS), and clears the session cookie. */
export async function signOutEverywhereFromHere(): Promise<{ orgSlug: string; sessionsRevoked: number }> {
  const session = await requireSession();
  const { sessionsRevoked } = await sessionMutation(session, signOutEverywhere);
  await clearSessionCookie();
  return { orgSlug: session.org.slug, sessionsRevoked };
}
