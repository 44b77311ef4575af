// PUT /api/apps/:appId/draft — saves an app's draft definition (Edit on the app); 422 field errors name the path.
import { saveAppDraft } from '@/lib/apps/writes';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const PUT = defineRoute({ auth: 'session' }, async ({ req, session, params }) => {
  // JSON only: a cross-site form cannot send it without a CORS preflight.
  if (!(req.headers.get('content-type') ?? '').includes('application/json')) throw new AppError('invalid_input', 'Send a JSON body (content-type: application/json).');
  const definition: unknown = await req.json().catch(() => {
    throw new AppError('invalid_input', 'Send the definition as a JSON body.');
  });
  const result = await runMutation(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request: session.request },
    (ctx) => saveAppDraft(ctx, { appId: params.appId ?? '', definition }),
  );
  return Response.json(result);
});
