import { and, desc, eq } from 'drizzle-orm';
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
