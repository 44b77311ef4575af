// GET /api/internal/audit-export?format=csv|ndjson&<the viewer's filter> — streamed export of the
// organization's audit events for audit-log viewers; the download itself is audited.
import { auditExportLines, parseAuditExport, startAuditExport } from '@/lib/audit/export';
import { AppError } from '@/lib/errors';
import { sessionMutation } from '@/lib/server/action';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'session' }, async ({ req, session }) => {
  const parsed = parseAuditExport(req.nextUrl.searchParams);
  if (!parsed.ok) throw new AppError('invalid_input', `Invalid export filter. ${parsed.problems.join(' ')}`);
  await sessionMutation(session, (ctx) => startAuditExport(ctx, parsed.value));
  const lines = auditExportLines(session.orgId, parsed.value);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    // The browser gave up (the viewer's Cancel): stop reading batches from the database.
    async cancel() {
      await lines.return(undefined);
    },
  });
  const ext = parsed.value.format;
  return new Response(body, {
    headers: {
      'content-type': ext === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="audit-${session.org.slug}-${new Date().toISOString().slice(0, 10)}.${ext}"`,
      'cache-control': 'no-store',
    },
  });
});
