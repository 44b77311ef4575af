// POST /api/apps/:appId/queries/:queryName/run — runs one query of an app for the signed-in user.
// The query comes from the stored definition; the body brings component values only.
import { runAppQuery } from '@/lib/apps/run-query';
import { AppError } from '@/lib/errors';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = defineRoute({ auth: 'session' }, async ({ req, session, params }) => {
  // JSON only: a cross-site form cannot send it without a CORS preflight.
  if (!(req.headers.get('content-type') ?? '').includes('application/json')) throw new AppError('invalid_input', 'Send a JSON body (content-type: application/json).');
  const body: unknown = await req.json().catch(() => {
    throw new AppError('invalid_input', 'Send a JSON body.');
  });
  const result = await runAppQuery(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request: session.request },
    params.appId ?? '',
    params.queryName ?? '',
    body,
  );
  return Response.json(result);
});
