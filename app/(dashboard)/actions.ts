'use server';

import { redirect } from 'next/navigation';
import { signOutCurrentSession } from '@/lib/auth/sign-out';

/** Revokes the current session (LOGOUT), clears the cookie, and returns to the sign-in page. */
export async function signOutAction(): Promise<void> {
  const { orgSlug } = await signOutCurrentSession();
  redirect(orgSlug ? `/sign-in/${orgSlug}` : '/sign-in');
}
