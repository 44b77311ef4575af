import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { organizations, sessions, users } from '@/db/schema';
import { sessionLimits } from './limits';
import { sessionState } from './state';

// last_seen_at is written at most once a minute, so reads stay reads, and at most a tenth of the
// idle limit late: a session ends between 90 % and 100 % of the idle limit after its last request.
const TOUCH_EVERY_MS = 60_000;
const uuid = z.uuid();

export type ActiveSession = {
  sessionId: string;
  orgId: string;
  userId: string;
  authMethod: 'password' | 'sso' | 'google';
  secondFactor: 'totp' | 'recovery_code' | null;
  org: { id: string; name: string; slug: string };
  user: { id: string; email: string; firstName: string; lastName: string };
};

/**
 * The session named by a cookie, if it may still be used: not revoked, not expired (idle or
 * absolute, per the organization's limits as they are now: read with the row, never cached, so a
 * change applies at every live session's next request), and its user not disabled. Records activity.
 */
export async function findActiveSession(sessionId: string, now = new Date(), db: DbOrTx = getDb()): Promise<ActiveSession | null> {
  if (!uuid.safeParse(sessionId).success) return null;
  const [row] = await db
    .select({ session: sessions, user: users, org: organizations })
    .from(sessions)
    .innerJoin(users, and(eq(users.id, sessions.userId), eq(users.organizationId, sessions.organizationId)))
    .innerJoin(organizations, eq(organizations.id, sessions.organizationId))
    .where(eq(sessions.id, sessionId));
  if (!row || row.user.disabledAt) return null;
  const limits = sessionLimits(row.org.settings);
  if (sessionState(row.session, limits, now) !== 'active') return null;

  if (now.getTime() - row.session.lastSeenAt.getTime() > Math.min(TOUCH_EVERY_MS, limits.idleMs / 10)) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
    await db.update(users).set({ lastActiveAt: now }).where(eq(users.id, row.user.id));
  }
  return {
    sessionId,
    orgId: row.org.id,
    userId: row.user.id,
    authMethod: row.session.authMethod,
    secondFactor: row.session.secondFactor,
    org: { id: row.org.id, name: row.org.name, slug: row.org.slug },
    user: { id: row.user.id, email: row.user.email, firstName: row.user.firstName, lastName: row.user.lastName },
  };
}

export type SessionListItem = {
  id: string;
  authMethod: ActiveSession['authMethod'];
  secondFactor: ActiveSession['secondFactor'];
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
};

/** A user's sessions that can still be used, most recently active first. */
export async function listActiveSessions(
  orgId: string,
  userId: string,
  now = new Date(),
  db: DbOrTx = getDb(),
): Promise<SessionListItem[]> {
  const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return [];
  const limits = sessionLimits(org.settings);
  const rows = await db
    .select({
      id: sessions.id,
      authMethod: sessions.authMethod,
      secondFactor: sessions.secondFactor,
      ipAddress: sessions.ipAddress,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      revokedAt: sessions.revokedAt,
    })
    .from(sessions)
    .where(and(eq(sessions.organizationId, orgId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(desc(sessions.lastSeenAt))
    .limit(200);
  return rows.filter((s) => sessionState(s, limits, now) === 'active').map(({ revokedAt: _r, ...s }) => s);
}
