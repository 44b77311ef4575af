// Audit export: the viewer's current filter as CSV or NDJSON, read in keyset batches and streamed,
// so an export of a million events never sits in memory. Starting an export is itself audited.
import { z } from 'zod';
import { authorize } from '@/lib/authz/authorize';
import { csvLine } from '@/lib/csv';
import type { MutationCtx } from '@/lib/server/mutation';
import { auditFilterOf, parseAuditSearch, type AuditCursor, type AuditFilter } from './filter';
import { listAuditEvents } from './reads';
import { record } from './record';

export type AuditExportFormat = 'csv' | 'ndjson';

/** A parsed export request: the format and the filter resolved at the moment the export starts. */
export type AuditExport = { format: AuditExportFormat; filter: AuditFilter };

const format = z.enum(['csv', 'ndjson']).default('csv');

// Names the export took before it shared the viewer's filter; links and scripts may still use them.
const LEGACY_PARAMS = { actionType: 'action', userId: 'user' } as const;

/**
 * Reads an export request from the same search params as the viewer. Unlike the page, it refuses
 * what it cannot read: an export quietly wider than asked would leak more than intended.
 */
export function parseAuditExport(
  params: URLSearchParams,
  now = new Date(),
): { ok: true; value: AuditExport } | { ok: false; problems: string[] } {
  const search = new URLSearchParams(params);
  for (const [legacy, name] of Object.entries(LEGACY_PARAMS)) {
    for (const v of search.getAll(legacy)) search.append(name, v);
    search.delete(legacy);
  }
  const fmt = format.safeParse(search.get('format') ?? undefined);
  const parsed = parseAuditSearch(search);
  const problems = [...(fmt.success ? [] : [`Ignored format "${search.get('format')}": use csv or ndjson.`]), ...parsed.notes];
  if (!fmt.success || problems.length) return { ok: false, problems };
  return { ok: true, value: { format: fmt.data, filter: auditFilterOf(parsed.search, now) } };
}

/**
 * Checks access and records DOWNLOAD_AUDIT_LOGS, with the whole filter, in the caller's
 * transaction (a time preset is recorded as the absolute range it meant).
 */
export async function startAuditExport(ctx: MutationCtx, input: AuditExport): Promise<void> {
  await authorize(ctx, 'view', { kind: 'org', area: 'audit_log' });
  const f = input.filter;
  await record(ctx, {
    actionType: 'DOWNLOAD_AUDIT_LOGS',
    metadata: {
      format: input.format,
      filter: {
        actionType: f.actionTypes?.join(',') ?? null,
        userId: f.userId ?? null,
        from: f.from?.toISOString() ?? null,
        to: f.to?.toISOString() ?? null,
        userEmail: f.userEmail ?? null,
        requestId: f.requestId ?? null,
        app: f.app ?? null,
        query: f.query ?? null,
        resource: f.resource ?? null,
        ip: f.ip ?? null,
        text: f.text ?? null,
        errorsOnly: f.errorsOnly ?? false,
      },
    },
  });
}

const CSV_COLUMNS = ['id', 'createdAt', 'actionType', 'userId', 'userEmail', 'ipAddress', 'requestId', 'metadata'] as const;

/** The export's lines, newest event first, fetched `batch` events at a time. */
export async function* auditExportLines(orgId: string, input: AuditExport, batch = 1000): AsyncGenerator<string> {
  if (input.format === 'csv') yield csvLine([...CSV_COLUMNS]);
  let after: AuditCursor | undefined;
  for (;;) {
    const page = await listAuditEvents(orgId, input.filter, { limit: batch, after });
    for (const e of page.events) {
      yield input.format === 'csv'
        ? csvLine([
            e.id,
            e.createdAt.toISOString(),
            e.actionType,
            e.userId ?? '',
            e.userEmail ?? '',
            e.ipAddress ?? '',
            e.requestId ?? '',
            JSON.stringify(e.metadata),
          ])
        : `${JSON.stringify({ ...e, organizationId: orgId })}\n`;
    }
    if (!page.next) return;
    after = page.next;
  }
}
