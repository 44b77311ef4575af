import { eq, type SQL } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { users, type User } from '@/db/schema';
import { actorUserId, type MutationCtx, type MutationInit } from '@/lib/server/mutation';
import { logAuditEvents } from '@/lib/env';
import { auditEventInput, type AuditEventInput } from './events';
import { geoLocate } from './geo';
import { insertLinked, type PendingAuditEvent } from './link';
import { streamedEvent } from './sink-formats';

type Subject = {
  /** Defaults to ctx.orgId; set when the event creates the organization. */
  organizationId?: string;
  /** The user the event is about; defaults to the acting user. */
  userId?: string | null;
  /** That user's row as it is now in this transaction, when the caller has it (saves reading it again). */
  userRow?: User;
  /** The seed's columns for query runs (QUERY_RUN, QUERY_SPOOF_BLOCKED). */
  columns?: { pageName?: string | null; queryName?: string | null; resourceName?: string | null; responseTimeMs?: number | null };
};

/**
 * Records one audit event in the caller's transaction, so the event commits or rolls back with
 * the change it describes. Stores a snapshot of the user as they were at that moment. The event is
 * validated here and queued on the mutation; runMutation links it into the organization's hash
 * chain, in record() order, as the transaction's last step (lib/audit/link.ts, decision 0020).
 */
export async function record(ctx: MutationCtx, event: AuditEventInput, subject: Subject = {}): Promise<void> {
  const pending = await pendingEvent(ctx, event, subject);
  ctx.pendingAuditEvents.push(pending);
  ctx.auditCount++;
  // The instance's stdout stream (GATEHOUSE_LOG_AUDIT_EVENTS=true) prints only what committed.
  if (logAuditEvents()) ctx.afterCommit.push(() => logCommitted(pending));
}

/**
 * runMutation's one exception, for the hottest change only: one INSERT that one audit event
 * describes (a SCIM create), as a single statement. The row, the event and its link into the
 * chain commit together as that statement's own transaction, without the BEGIN and COMMIT round
 * trips or a second statement (decision 0025); "no audit row, no change" holds because they are
 * one statement. `insert` comes from the caller (`insert … select … where whereChained(orgId)
 * on conflict do nothing returning 1`); the event is built as record() builds it, from the
 * subject's row the caller already has, since nothing can be read first. Resolves to false when
 * nothing was inserted (a unique clash, or a chain with no head yet): the caller then makes the
 * change through runMutation, which handles both.
 */
export async function insertAudited(
  init: MutationInit,
  insert: SQL,
  event: AuditEventInput,
  subject: Subject & { userRow: User },
): Promise<boolean> {
  const pending = await pendingEvent(init, event, subject);
  if (!(await insertLinked(insert, pending, getDb()))) return false;
  logCommitted(pending);
  return true;
}

/**
 * An event validated and filled in as record() queues it. Without a transaction (`ctx.tx` absent:
 * a change that is one statement, insertAudited) the subject's row must come with it.
 */
export async function pendingEvent(
  ctx: Pick<MutationCtx, 'orgId' | 'actor' | 'request'> & { tx?: DbOrTx },
  event: AuditEventInput,
  subject: Subject = {},
): Promise<PendingAuditEvent> {
  const parsed = auditEventInput.parse(event);
  const organizationId = subject.organizationId ?? ctx.orgId;
  if (!organizationId) throw new Error(`Audit event ${event.actionType} has no organization.`);
  const userId = subject.userId !== undefined ? subject.userId : subject.userRow ? subject.userRow.id : actorUserId(ctx.actor);
  if (subject.userRow && subject.userRow.id !== userId)
    throw new Error(`Audit event ${event.actionType}: userRow is not the subject's row.`);
  const metadata: Record<string, unknown> = { ...parsed.metadata };
  if (ctx.actor.kind !== 'user') metadata.actor = ctx.actor.kind;
  if (ctx.actor.kind === 'api_token') metadata.tokenId = ctx.actor.tokenId;
  if (ctx.actor.kind === 'scim') metadata.directoryId = ctx.actor.directoryId;
  if (ctx.actor.kind === 'system') metadata.job = ctx.actor.job;

  let user: Record<string, unknown> | null = null;
  if (subject.userRow) user = userSnapshot(subject.userRow);
  else if (userId && !ctx.tx) throw new Error(`Audit event ${event.actionType}: outside a transaction the subject's row must be given.`);
  else if (userId) user = await loadUserSnapshot(userId, ctx.tx!);
  return {
    fields: {
      organizationId,
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
    },
  };
}

/** The instance's stdout stream (GATEHOUSE_LOG_AUDIT_EVENTS=true): an event once it has committed. */
export function logCommitted(pending: PendingAuditEvent): void {
  if (logAuditEvents()) console.log(JSON.stringify({ type: 'gatehouse.audit', ...streamedEvent(pending.linked!) }));
}

async function loadUserSnapshot(userId: string, tx: DbOrTx): Promise<Record<string, unknown> | null> {
  const [u] = await tx.select().from(users).where(eq(users.id, userId));
  return u ? userSnapshot(u) : null;
}

function userSnapshot(u: User): Record<string, unknown> {
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
