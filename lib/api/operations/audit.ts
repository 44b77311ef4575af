import { z } from 'zod';
import { listAuditEvents } from '@/lib/audit/reads';
import { operation } from '../operation';
import { auditEventDto, cursorPage, cursorParam, encodeCursor, limitParam } from '../schemas';
import { requireRead } from './helpers';

export const listAuditEventsOp = operation({
  id: 'listAuditEvents',
  method: 'GET',
  path: '/audit-events',
  tag: 'Audit',
  summary: 'List audit events, newest first',
  scope: 'audit:read',
  query: z.object({
    actionType: z.string().max(500).optional().describe('Comma-separated action types, e.g. LOGIN,LOGIN_FAILED'),
    userId: z.uuid().optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    requestId: z.string().max(128).optional(),
    limit: limitParam,
    cursor: cursorParam(z.object({ createdAt: z.iso.datetime({ offset: true }), id: z.string().regex(/^\d+$/) })).optional(),
  }),
  response: cursorPage(auditEventDto),
  async handler(ctx, { query }) {
    await requireRead(ctx, 'view', { kind: 'org', area: 'audit_log' });
    const page = await listAuditEvents(
      ctx.orgId,
      {
        actionTypes: query.actionType
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        userId: query.userId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        requestId: query.requestId,
      },
      { limit: query.limit, after: query.cursor ? { createdAt: new Date(query.cursor.createdAt), id: query.cursor.id } : undefined },
    );
    return {
      data: page.events,
      nextCursor: page.next ? encodeCursor({ createdAt: page.next.createdAt.toISOString(), id: page.next.id }) : null,
    };
  },
});
