// PUT /api/apps/:appId/draft — saves an app's draft definition (Edit on the app); 422 field errors name the path.
import { saveAppDraft } from '@/lib/apps/writes';
import { runMutation } from '@/lib/server/mutation';
import { readJsonBody } from '@/lib/server/json-body';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const PUT = defineRoute({ auth: 'session' }, async ({ req, session, params }) => {
  const definition = (await readJsonBody(req)).json;
  const result = await runMutation(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request: session.request },
    (ctx) => saveAppDraft(ctx, { appId: params.appId ?? '', definition }),
  );
  return Response.json(result);
});
