import 'server-only';
import { headers } from 'next/headers';
import { requestMetaFrom, type RequestMeta } from './request-meta';

/** Request id, client IP and user agent of the request being served. */
export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}

/** The origin the browser used (NEXTAUTH_URL when set), for links in emails and copy boxes. */
export async function requestOrigin(): Promise<string> {
  if (process.env.NEXTAUTH_URL) return new URL(process.env.NEXTAUTH_URL).origin;
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}
