import 'server-only';
import { cookies } from 'next/headers';
import { sessionMutation } from '@/lib/server/action';
import { endSession } from '@/lib/sessions/writes';
import { SESSION_COOKIES } from './cookies';
import { getSession } from './session';

/** Ends the current session (revoked, LOGOUT audited) and clears the session cookie. */
export async function signOutCurrentSession(): Promise<{ orgSlug: string | null }> {
  const session = await getSession();
  if (session) await sessionMutation(session, endSession);
  const jar = await cookies();
  for (const name of SESSION_COOKIES) if (jar.has(name)) jar.delete(name);
  return { orgSlug: session?.org.slug ?? null };
}
