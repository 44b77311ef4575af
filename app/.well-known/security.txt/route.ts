// GET /.well-known/security.txt — RFC 9116, from GATEHOUSE_SECURITY_CONTACT; 404 when none is set.
import { securityContacts } from '@/lib/env';
import { defineRoute } from '@/lib/server/route';
import { securityTxt } from '@/lib/system/security-txt';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async () => {
  const contacts = securityContacts();
  if (!contacts.length)
    return new Response('No security contact is configured.\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return new Response(securityTxt(contacts, new Date(), process.env.NEXTAUTH_URL?.trim() || null), {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  });
});
