// Route-handler plumbing: one wrapped export per verb. Errors become
// { error: { code, message, requestId } } with the matching status; every response carries
// x-request-id.
import 'server-only';
import type { NextRequest } from 'next/server';
import { getSession, type SessionCtx } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { unstorableTextProblem } from '@/lib/storable-text';
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

/**
 * The JSON body of a request, refused unless it is sent as application/json (a cross-site form
 * cannot send that without a CORS preflight), parses, and holds only text that can be stored.
 */
export async function readJsonBody(req: Request, what: string): Promise<unknown> {
  if (!(req.headers.get('content-type') ?? '').includes('application/json'))
    throw new AppError('invalid_input', 'Send a JSON body (content-type: application/json).');
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new AppError('invalid_input', `Send ${what} as a JSON body.`);
  }
  const unstorable = unstorableTextProblem(body);
  if (unstorable) throw new AppError('invalid_input', unstorable);
  return body;
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
