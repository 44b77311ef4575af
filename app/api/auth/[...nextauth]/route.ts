// /api/auth/* — next-auth v4 (CSRF, credentials callback, session cookie). Options are built per
// request so the cookie is Secure exactly when the request came over https, and a Google sign-in
// sends the nonce of this browser's binding.
import { headers } from 'next/headers';
import type { NextRequest } from 'next/server';
import NextAuth from 'next-auth';
import { authOptionsForRequest } from '@/lib/auth/options';

export const dynamic = 'force-dynamic';

async function handler(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(req, ctx, await authOptionsForRequest(await headers()));
}

export { handler as GET, handler as POST };
