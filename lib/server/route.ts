// Route-handler plumbing: one wrapped export per verb. Errors become
// { error: { code, message, requestId } } with the matching status; every response carries
// x-request-id.
import 'server-only';
import type { NextRequest } from 'next/server';
import { getSession, type SessionCtx } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { knownError } from './failure';
import { currentRequestMeta } from './request';

type Handler<A> = (args: { req: NextRequest; session: A; params: Record<string, string> }) => Promise<Response>;
type RouteContext = { params?: Promise<Record<string, string | string[]>> };

export function jsonError(e: AppError, requestId: string): Response {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (e.meta.retryAfterSeconds) headers['retry-after'] = String(e.meta.retryAfterSeconds);
  return Response.json(
    { error: { code: e.code, message: e.message, requestId, fieldErrors: e.meta.fieldErrors } },
    { status: e.status, headers },
  );
}

export function defineRoute(
  opts: { auth: 'none' },
  handler: Handler<null>,
): (req: NextRequest, context?: RouteContext) => Promise<Response>;
export function defineRoute(
  opts: { auth: 'session' },
  handler: Handler<SessionCtx>,
): (req: NextRequest, context?: RouteContext) => Promise<Response>;
export function defineRoute(opts: { auth: 'none' | 'session' }, handler: Handler<SessionCtx> | Handler<null>) {
  return async (req: NextRequest, context?: RouteContext): Promise<Response> => {
    const { requestId } = await currentRequestMeta();
    try {
      let session: SessionCtx | null = null;
      if (opts.auth === 'session') {
        session = await getSession();
        if (!session) throw new AppError('unauthenticated', 'Sign in to continue.');
      }
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries((await context?.params) ?? {})) params[k] = Array.isArray(v) ? v.join('/') : v;
      const res = await (handler as Handler<SessionCtx | null>)({ req, session, params });
      res.headers.set('x-request-id', requestId);
      return res;
    } catch (e) {
      const known = knownError(e);
      if (known) return jsonError(known, requestId);
      console.error(`[gatehouse] request ${requestId} failed:`, e);
      return jsonError(new AppError('internal', `Something went wrong (ref: ${requestId}).`), requestId);
    }
  };
}
