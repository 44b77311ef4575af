import 'server-only';
import { headers } from 'next/headers';
import { originFrom, requestMetaFrom, type RequestMeta } from './request-meta';

/** Request id, client IP and user agent of the request being served. */
export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}

/** The origin the browser used (NEXTAUTH_URL when set), for links in emails and copy boxes. */
export async function requestOrigin(): Promise<string> {
  return originFrom(await headers());
}
