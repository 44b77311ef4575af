import 'server-only';
import { headers } from 'next/headers';
import { requestMetaFrom, type RequestMeta } from './request-meta';

/** Request id, client IP and user agent of the request being served. */
export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
