// POST /api/apps/:appId/releases — releases the draft as the next version (Edit on the app).
import { releaseApp } from '@/lib/apps/writes';
import { runMutation } from '@/lib/server/mutation';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = defineRoute({ auth: 'session' }, async ({ session, params }) => {
  const result = await runMutation(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request: session.request },
    (ctx) => releaseApp(ctx, { appId: params.appId ?? '' }),
  );
  return Response.json(result, { status: 201 });
});
