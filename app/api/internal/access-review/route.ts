// GET /api/internal/access-review — CSV of who can use/edit/own each app, resource and workflow (admins).
import { accessReviewFor } from '@/lib/authz/access-review';
import { csvLine } from '@/lib/csv';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'session' }, async ({ session }) => {
  const rows = await accessReviewFor(session.orgId, session.userId);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('kind,object,folder,user,level,via_group\r\n'));
    },
    async pull(controller) {
      const next = await rows.next();
      if (next.done) return controller.close();
      const r = next.value;
      controller.enqueue(encoder.encode(csvLine([r.kind, r.object, r.folder, r.email, r.level, r.via])));
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="access-review-${session.org.slug}-${date}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
