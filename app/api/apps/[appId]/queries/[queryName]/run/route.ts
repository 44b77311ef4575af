// POST /api/apps/:appId/queries/:queryName/run — runs one query of an app for the signed-in user.
// The query comes from the stored definition; the body brings component values only.
import { runAppQuery } from '@/lib/apps/run-query';
import { readJsonBody } from '@/lib/server/json-body';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = defineRoute({ auth: 'session' }, async ({ req, session, params }) => {
  const body = (await readJsonBody(req)).json;
  const result = await runAppQuery(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request: session.request },
    params.appId ?? '',
    params.queryName ?? '',
    body,
  );
  return Response.json(result);
});
