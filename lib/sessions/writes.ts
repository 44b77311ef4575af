import { and, eq, gt, isNull, lte, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Tx } from '@/db';
import { organizations, sessions, signInChallenges, users, type SECOND_FACTORS } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { orgOf, runMutation, type MutationCtx } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { requireOrgUser } from '@/lib/users/reads';
import { formatMinutes, sessionLimitMinutes, type SessionLimitMinutes, type SessionLimitsInput } from './limits';

type SecondFactor = (typeof SECOND_FACTORS)[number];
type RevokeReason = NonNullable<(typeof sessions.$inferSelect)['revokedReason']>;

export async function createSession(
  ctx: MutationCtx,
  values: { orgId: string; userId: string; authMethod: 'password' | 'sso' | 'google'; secondFactor?: SecondFactor | null },
): Promise<string> {
  const [row] = await ctx.tx
    .insert(sessions)
    .values({
      organizationId: values.orgId,
      userId: values.userId,
      authMethod: values.authMethod,
      secondFactor: values.secondFactor ?? null,
      ipAddress: ctx.request.ipAddress,
      userAgent: ctx.request.userAgent,
    })
    .returning({ id: sessions.id });
  return row!.id;
}

/**
 * The last step of every sign-in: a session row, the user's last login, and LOGIN (with how they
 * authenticated) in the caller's transaction. The acting user becomes the one signing in.
 */
export async function startSignedInSession(
  ctx: MutationCtx,
  values: { orgId: string; userId: string; authMethod: 'password' | 'sso' | 'google'; secondFactor?: SecondFactor | null },
  now = new Date(),
): Promise<string> {
  const sessionId = await createSession(ctx, values);
  await ctx.tx.update(users).set({ lastLoginAt: now, lastActiveAt: now }).where(eq(users.id, values.userId));
  ctx.actor = { kind: 'user', userId: values.userId, sessionId };
  await record(ctx, {
    actionType: 'LOGIN',
    metadata: { method: values.authMethod, sessionId, ...(values.secondFactor ? { secondFactor: values.secondFactor } : {}) },
  });
  return sessionId;
}

/** Revokes a user's sessions not revoked yet, but `keep`; the one statement that ends sessions together. */
async function revokeSessionsOf(orgId: string, userId: string, reason: RevokeReason, keep: string | undefined, tx: Tx): Promise<number> {
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(
      and(
        eq(sessions.organizationId, orgId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keep ? ne(sessions.id, keep) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/**
 * Revokes every session of a user not revoked yet (idle or expired ones included, so a longer limit
 * later cannot bring one back) in the caller's transaction; returns how many.
 */
export function revokeUserSessions(orgId: string, userId: string, reason: RevokeReason, tx: Tx): Promise<number> {
  return revokeSessionsOf(orgId, userId, reason, undefined, tx);
}

/**
 * After a change to how a user signs in (their password, their second factor; a passkey removed,
 * once passkeys exist): every session of that user ends but the one making the change, and so does
 * any sign-in of theirs waiting for its second factor. When an admin or the operator makes the
 * change for someone else, all of that user's sessions end. In the caller's transaction; the caller
 * records the change's own event with the count returned.
 */
export async function endOtherSessions(ctx: MutationCtx, userId: string, reason: RevokeReason, now = new Date()): Promise<number> {
  const orgId = orgOf(ctx);
  const keep = ctx.actor.kind === 'user' && ctx.actor.userId === userId ? ctx.actor.sessionId : undefined;
  await ctx.tx
    .update(signInChallenges)
    .set({ consumedAt: now })
    .where(
      and(
        eq(signInChallenges.organizationId, orgId),
        eq(signInChallenges.userId, userId),
        isNull(signInChallenges.consumedAt),
        gt(signInChallenges.expiresAt, now),
      ),
    );
  return revokeSessionsOf(orgId, userId, reason, keep, ctx.tx);
}

/**
 * "Sign out everywhere" for oneself: every session of the acting user ends, this one included
 * (REVOKE_USER_SESSIONS). The caller clears this browser's cookie.
 */
export async function signOutEverywhere(ctx: MutationCtx): Promise<{ sessionsRevoked: number }> {
  const orgId = orgOf(ctx);
  const { userId } = actingUser(ctx);
  const user = await requireOrgUser(orgId, userId, ctx.tx);
  const sessionsRevoked = await revokeUserSessions(orgId, userId, 'logout', ctx.tx);
  await record(ctx, { actionType: 'REVOKE_USER_SESSIONS', metadata: { targetUserId: userId, email: user.email, sessionsRevoked } });
  return { sessionsRevoked };
}

async function revokeOne(ctx: MutationCtx, sessionId: string, userId: string, reason: RevokeReason): Promise<boolean> {
  if (!ctx.orgId) return false;
  const rows = await ctx.tx
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), eq(sessions.organizationId, ctx.orgId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

function actingUser(ctx: MutationCtx): { userId: string; sessionId?: string } {
  if (ctx.actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in first.');
  return ctx.actor;
}

/** Signs the acting session out (LOGOUT). */
export async function endSession(ctx: MutationCtx): Promise<void> {
  const { userId, sessionId } = actingUser(ctx);
  if (!sessionId || !(await revokeOne(ctx, sessionId, userId, 'logout'))) {
    throw new AppError('not_found', 'That session has already ended.');
  }
  await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId } });
}

/**
 * Signs out the session a cookie names, without reading the cookie itself: next-auth's own sign-out
 * endpoint hands us the decoded JWT's `sid`. A session that is idle or expired but not revoked is
 * revoked too (a longer limit later must not bring it back); an unknown or revoked one is left alone.
 * Returns whether a session ended (LOGOUT).
 */
export async function endSessionById(sessionId: string, request: RequestMeta): Promise<boolean> {
  if (!z.uuid().safeParse(sessionId).success) return false;
  const [row] = await getDb()
    .select({ orgId: sessions.organizationId, userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
  if (!row) return false;
  // endSession refuses a session revoked meanwhile (a racing sign-out): it has ended either way.
  return runMutation({ orgId: row.orgId, actor: { kind: 'user', userId: row.userId, sessionId }, request }, endSession).then(
    () => true,
    (e: unknown) => {
      if (e instanceof AppError && e.code === 'not_found') return false;
      throw e;
    },
  );
}

/** Revokes another of the acting user's own sessions (REVOKE_SESSION). */
export async function revokeOwnSession(ctx: MutationCtx, input: { sessionId: string }): Promise<void> {
  const { userId, sessionId: current } = actingUser(ctx);
  if (input.sessionId === current) {
    throw new AppError('invalid_input', 'This is the session you are using. Sign out instead.');
  }
  if (!(await revokeOne(ctx, input.sessionId, userId, 'revoked'))) {
    throw new AppError('not_found', 'Session not found, or it has already ended.');
  }
  await record(ctx, { actionType: 'REVOKE_SESSION', metadata: { sessionId: input.sessionId, targetUserId: userId } });
}

/** An admin revokes one session of any user in the organization (REVOKE_SESSION). */
export async function revokeUserSession(ctx: MutationCtx, input: { userId: string; sessionId: string }): Promise<void> {
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  if (ctx.actor.kind === 'user' && input.sessionId === ctx.actor.sessionId) {
    throw new AppError('invalid_input', 'This is the session you are using. Sign out instead.');
  }
  if (!(await revokeOne(ctx, input.sessionId, input.userId, 'revoked'))) {
    throw new AppError('not_found', 'Session not found, or it has already ended.');
  }
  await record(ctx, { actionType: 'REVOKE_SESSION', metadata: { sessionId: input.sessionId, targetUserId: input.userId } });
}

/**
 * An admin (or the operator) signs a user out everywhere: every session of theirs that is not
 * revoked yet ends, idle or expired ones included, so a longer session limit later cannot bring one
 * back. One REVOKE_USER_SESSIONS says how many. API tokens stay (disabling the user ends both).
 */
export async function revokeAllUserSessions(ctx: MutationCtx, input: { userId: string }): Promise<{ sessionsRevoked: number }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await requireOrgUser(orgId, input.userId, ctx.tx);
  const sessionsRevoked = await revokeUserSessions(orgId, user.id, 'revoked', ctx.tx);
  await record(ctx, { actionType: 'REVOKE_USER_SESSIONS', metadata: { targetUserId: user.id, email: user.email, sessionsRevoked } });
  return { sessionsRevoked };
}

/**
 * Admins (and the operator) set the organization's session limits (UPDATE_SESSION_LIMITS). The
 * session check reads them at every request, so a shorter limit ends sessions at their next
 * request. A session that had already ended under the old limits stays ended: those a longer limit
 * would bring back are revoked in this transaction (reason `expired`).
 */
export async function updateSessionLimits(ctx: MutationCtx, input: SessionLimitsInput, now = new Date()): Promise<SessionLimitMinutes> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, orgId)).for('update');
  const before = sessionLimitMinutes(org!.settings);
  const after = { idleMinutes: input.idleMinutes ?? before.idleMinutes, absoluteMinutes: input.absoluteMinutes ?? before.absoluteMinutes };
  if (after.absoluteMinutes < after.idleMinutes) {
    throw AppError.field(
      input.absoluteMinutes === undefined ? 'idleMinutes' : 'absoluteMinutes',
      `The absolute limit (${formatMinutes(after.absoluteMinutes)}) cannot be shorter than the idle limit (${formatMinutes(after.idleMinutes)}).`,
    );
  }
  if (before.idleMinutes === after.idleMinutes && before.absoluteMinutes === after.absoluteMinutes) {
    throw new AppError('conflict', 'Nothing changed.');
  }
  await ctx.tx
    .update(organizations)
    .set({
      settings: { ...org!.settings, sessionIdleMinutes: after.idleMinutes, sessionAbsoluteMinutes: after.absoluteMinutes },
      updatedAt: now,
    })
    .where(eq(organizations.id, orgId));
  const expiredSessionsRevoked = await revokeEndedSessions(orgId, before, after, now, ctx);
  await record(ctx, { actionType: 'UPDATE_SESSION_LIMITS', metadata: { before, after, expiredSessionsRevoked } });
  return after;
}

/** Sessions not revoked that had ended under `before` but would be usable under `after`: revoked, so they stay ended. */
async function revokeEndedSessions(
  orgId: string,
  before: SessionLimitMinutes,
  after: SessionLimitMinutes,
  now: Date,
  ctx: MutationCtx,
): Promise<number> {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const rows = await ctx.tx
    .update(sessions)
    .set({ revokedAt: now, revokedReason: 'expired' })
    .where(
      and(
        eq(sessions.organizationId, orgId),
        isNull(sessions.revokedAt),
        gt(sessions.createdAt, ago(after.absoluteMinutes)),
        gt(sessions.lastSeenAt, ago(after.idleMinutes)),
        or(lte(sessions.createdAt, ago(before.absoluteMinutes)), lte(sessions.lastSeenAt, ago(before.idleMinutes))),
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}
