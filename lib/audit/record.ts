import { eq } from 'drizzle-orm';
import { auditEvents, users } from '@/db/schema';
import { actorUserId, type MutationCtx } from '@/lib/server/mutation';
import { advanceHead, linkHash, nextLink, type ChainedFields } from './chain';
import { logAuditEvents } from '@/lib/env';
import { auditEventInput, type AuditEventInput } from './events';
import { geoLocate } from './geo';
import { streamedEvent } from './sink-formats';

type Subject = {
  /** Defaults to ctx.orgId; set when the event creates the organization. */
  organizationId?: string;
  /** The user the event is about; defaults to the acting user. */
  userId?: string | null;
  /** The seed's columns for query runs (QUERY_RUN, QUERY_SPOOF_BLOCKED). */
  columns?: { pageName?: string | null; queryName?: string | null; resourceName?: string | null; responseTimeMs?: number | null };
};

/**
 * Writes one audit event in the caller's transaction, so the event commits or rolls back with
 * the change it describes. Stores a snapshot of the user as they were at that moment, and links
 * the event into the organization's hash chain (the chain head stays locked until commit).
 */
export async function record(ctx: MutationCtx, event: AuditEventInput, subject: Subject = {}): Promise<void> {
  const parsed = auditEventInput.parse(event);
  const organizationId = subject.organizationId ?? ctx.orgId;
  if (!organizationId) throw new Error(`Audit event ${event.actionType} has no organization.`);
  const userId = subject.userId !== undefined ? subject.userId : actorUserId(ctx.actor);
  const metadata: Record<string, unknown> = { ...parsed.metadata };
  if (ctx.actor.kind !== 'user') metadata.actor = ctx.actor.kind;
  if (ctx.actor.kind === 'api_token') metadata.tokenId = ctx.actor.tokenId;
  if (ctx.actor.kind === 'scim') metadata.directoryId = ctx.actor.directoryId;
  if (ctx.actor.kind === 'system') metadata.job = ctx.actor.job;

  const user = userId ? await userSnapshot(ctx, userId) : null;
  const { seq, prevHash } = await nextLink(ctx.tx, organizationId);
  const row: ChainedFields = {
    organizationId,
    seq,
    prevHash,
    userId,
    actionType: parsed.actionType,
    ipAddress: ctx.request.ipAddress,
    geoLocation: await geoLocate(ctx.request.ipAddress),
    responseTimeMs: subject.columns?.responseTimeMs ?? null,
    pageName: subject.columns?.pageName ?? null,
    queryName: subject.columns?.queryName ?? null,
    resourceName: subject.columns?.resourceName ?? null,
    // Stored as JSON: hash exactly what a reader will get back.
    metadata: JSON.parse(JSON.stringify(metadata)),
    user: user ? JSON.parse(JSON.stringify(user)) : null,
    requestId: ctx.request.requestId,
    createdAt: new Date(),
  };
  const hash = linkHash(row);
  const [inserted] = await ctx.tx.insert(auditEvents).values({ ...row, hash }).returning({ id: auditEvents.id });
  await advanceHead(ctx.tx, organizationId, seq, hash);
  ctx.auditCount++;
  // The instance's stdout stream (GATEHOUSE_LOG_AUDIT_EVENTS=true) prints only what committed.
  if (logAuditEvents()) ctx.afterCommit.push(() => console.log(JSON.stringify({ type: 'gatehouse.audit', ...streamedEvent({ ...row, hash, id: inserted!.id }) })));
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
