import { eq } from 'drizzle-orm';
import { auditEvents, users } from '@/db/schema';
import { actorUserId, type MutationCtx } from '@/lib/server/mutation';
import { auditEventInput, type AuditEventInput } from './events';

type Subject = {
  /** Defaults to ctx.orgId; set when the event creates the organization. */
  organizationId?: string;
  /** The user the event is about; defaults to the acting user. */
  userId?: string | null;
};

/**
 * Writes one audit event in the caller's transaction, so the event commits or rolls back with
 * the change it describes. Stores a snapshot of the user as they were at that moment.
 */
export async function record(ctx: MutationCtx, event: AuditEventInput, subject: Subject = {}): Promise<void> {
  const parsed = auditEventInput.parse(event);
  const organizationId = subject.organizationId ?? ctx.orgId;
  if (!organizationId) throw new Error(`Audit event ${event.actionType} has no organization.`);
  const userId = subject.userId !== undefined ? subject.userId : actorUserId(ctx.actor);
  const metadata: Record<string, unknown> = { ...parsed.metadata };
  if (ctx.actor.kind !== 'user') metadata.actor = ctx.actor.kind;
  if (ctx.actor.kind === 'api_token') metadata.tokenId = ctx.actor.tokenId;

  await ctx.tx.insert(auditEvents).values({
    organizationId,
    userId,
    actionType: parsed.actionType,
    ipAddress: ctx.request.ipAddress,
    metadata,
    user: userId ? await userSnapshot(ctx, userId) : null,
    requestId: ctx.request.requestId,
  });
  ctx.auditCount++;
}

async function userSnapshot(ctx: MutationCtx, userId: string): Promise<Record<string, unknown> | null> {
  const [u] = await ctx.tx.select().from(users).where(eq(users.id, userId));
  if (!u) return null;
  return {
    id: u.id,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    enabled: u.disabledAt === null,
    hasPassword: u.passwordHash !== null,
    lastLoggedIn: u.lastLoginAt,
    lastActive: u.lastActiveAt,
    userType: 'default',
    organizationId: u.organizationId,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}
