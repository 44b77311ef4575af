// POST /api/apps/:appId/export?releases=1 — the app as an export document, downloaded (Own on the
// app; decision 0030). The download itself is audited as EXPORT_APP: a POST, so that a link from
// another site cannot write that event (the session cookie is SameSite=Lax).
import { exportApp } from '@/lib/apps/transfer';
import { sessionMutation } from '@/lib/server/action';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = defineRoute({ auth: 'session' }, async ({ req, session, params }) => {
  const releases = ['1', 'true', 'on'].includes(req.nextUrl.searchParams.get('releases') ?? '');
  const doc = await sessionMutation(session, (ctx) => exportApp(ctx, { appId: params.appId ?? '', releases }));
  const slug =
    doc.app.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'app';
  return new Response(`${JSON.stringify(doc, null, 2)}\n`, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${slug}.gatehouse-app.json"`,
      'cache-control': 'no-store',
    },
  });
});
