import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { auditEvents } from '@/db/schema';

export type AuditEventDto = {
  id: string;
  actionType: string;
  userId: string | null;
  userEmail: string | null;
  ipAddress: string | null;
  metadata: Record<string, unknown>;
  requestId: string | null;
  createdAt: Date;
};

/** The organization's most recent events, newest first. */
export async function listRecentAuditEvents(
  orgId: string,
  opts: { limit: number; userId?: string },
  db: DbOrTx = getDb(),
): Promise<AuditEventDto[]> {
  const rows = await db
    .select({
      id: auditEvents.id,
      actionType: auditEvents.actionType,
      userId: auditEvents.userId,
      user: auditEvents.user,
      ipAddress: auditEvents.ipAddress,
      metadata: auditEvents.metadata,
      requestId: auditEvents.requestId,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, orgId), opts.userId ? eq(auditEvents.userId, opts.userId) : undefined))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(Math.min(Math.max(opts.limit, 1), 500));
  return rows.map(({ user, id, ...r }) => ({
    ...r,
    id: id.toString(),
    userEmail: typeof user?.email === 'string' ? user.email : null,
  }));
}

export type AuditFilter = { actionTypes?: string[]; userId?: string; from?: Date; to?: Date; requestId?: string };
export type AuditCursor = { createdAt: Date; id: string };

/** A page of the organization's events, newest first; `after` continues past that event. */
export async function listAuditEvents(
  orgId: string,
  filter: AuditFilter,
  page: { limit: number; after?: AuditCursor },
  db: DbOrTx = getDb(),
): Promise<{ events: (AuditEventDto & { user: Record<string, unknown> | null })[]; next: AuditCursor | null }> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organizationId, orgId),
        filter.actionTypes?.length ? inArray(auditEvents.actionType, filter.actionTypes) : undefined,
        filter.userId ? eq(auditEvents.userId, filter.userId) : undefined,
        filter.from ? gte(auditEvents.createdAt, filter.from) : undefined,
        filter.to ? lt(auditEvents.createdAt, filter.to) : undefined,
        filter.requestId ? eq(auditEvents.requestId, filter.requestId) : undefined,
        page.after ? sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${page.after.createdAt.toISOString()}::timestamptz, ${page.after.id}::bigint)` : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(page.limit + 1);
  const events = rows.slice(0, page.limit).map((r) => ({
    id: r.id.toString(),
    actionType: r.actionType,
    userId: r.userId,
    userEmail: typeof r.user?.email === 'string' ? r.user.email : null,
    ipAddress: r.ipAddress,
    metadata: r.metadata,
    requestId: r.requestId,
    createdAt: r.createdAt,
    user: r.user,
  }));
  const last = events.at(-1);
  return { events, next: rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
