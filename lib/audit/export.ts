// Audit export: the current filter as CSV or NDJSON, read in keyset batches and streamed, so an
// export of a million events never sits in memory. Starting an export is itself audited.
import { z } from 'zod';
import { authorize } from '@/lib/authz/authorize';
import { csvLine } from '@/lib/csv';
import type { MutationCtx } from '@/lib/server/mutation';
import { record } from './record';
import { listAuditEvents, type AuditCursor, type AuditFilter } from './reads';

export const auditExportInput = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  actionType: z.string().max(500).optional(),
  userId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditExportInput = z.infer<typeof auditExportInput>;

export function exportFilter(input: AuditExportInput): AuditFilter {
  return {
    actionTypes: input.actionType?.split(',').map((s) => s.trim()).filter(Boolean),
    userId: input.userId,
    from: input.from ? new Date(input.from) : undefined,
    to: input.to ? new Date(input.to) : undefined,
  };
}

/** Checks access and records DOWNLOAD_AUDIT_LOGS in the caller's transaction. */
export async function startAuditExport(ctx: MutationCtx, input: AuditExportInput): Promise<void> {
  await authorize(ctx, 'view', { kind: 'org', area: 'audit_log' });
  await record(ctx, {
    actionType: 'DOWNLOAD_AUDIT_LOGS',
    metadata: { format: input.format, filter: { actionType: input.actionType ?? null, userId: input.userId ?? null, from: input.from ?? null, to: input.to ?? null } },
  });
}

const CSV_COLUMNS = ['id', 'createdAt', 'actionType', 'userId', 'userEmail', 'ipAddress', 'requestId', 'metadata'] as const;

/** The export's lines, newest event first, fetched `batch` events at a time. */
export async function* auditExportLines(orgId: string, input: AuditExportInput, batch = 1000): AsyncGenerator<string> {
  if (input.format === 'csv') yield csvLine([...CSV_COLUMNS]);
  let after: AuditCursor | undefined;
  for (;;) {
    const page = await listAuditEvents(orgId, exportFilter(input), { limit: batch, after });
    for (const e of page.events) {
      yield input.format === 'csv'
        ? csvLine([e.id, e.createdAt.toISOString(), e.actionType, e.userId ?? '', e.userEmail ?? '', e.ipAddress ?? '', e.requestId ?? '', JSON.stringify(e.metadata)])
        : `${JSON.stringify({ ...e, organizationId: orgId })}\n`;
    }
    if (!page.next) return;
    after = page.next;
  }
}
