// apiRoute(op): a public-API operation as a Next.js route handler. The pipeline is lib/api/handle.ts;
// this binds it to the request's metadata and the route's params.
import 'server-only';
import type { NextRequest } from 'next/server';
import { currentRequestMeta } from '@/lib/server/request';
import { handleApiRequest } from './handle';
import type { ApiOperation } from './operation';

export function apiRoute(op: ApiOperation) {
  return async (req: NextRequest, route: { params: Promise<Record<string, string>> }): Promise<Response> =>
    handleApiRequest(op, req, await route.params, await currentRequestMeta());
}
