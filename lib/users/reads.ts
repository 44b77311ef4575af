import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { auditEvents, invites, objects, users, type User } from '@/db/schema';
import { effectiveLevel, type Because } from '@/lib/authz/can';
import type { Level, ObjectKind } from '@/lib/authz/levels';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { AppError } from '@/lib/errors';
import { containsPattern } from '@/lib/search';

export const userFilterInput = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(['active', 'disabled']).optional().catch(undefined),
  groupId: z.uuid().optional().catch(undefined),
  method: z.enum(['password', 'none']).optional().catch(undefined),
  twoFactor: z.enum(['on', 'off']).optional().catch(undefined),
});
export type UserFilter = z.infer<typeof userFilterInput>;

export type UserRow = {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
  signInMethods: string[];
  /** A confirmed TOTP authenticator. */
  twoFactor: boolean;
  lastLoginAt: Date | null;
  lastActiveAt: Date | null;
  groups: { id: string; name: string }[];
  /** The SCIM directory that provisions this user, if any: its attributes are read-only here. */
  provisionedBy: string | null;
};

/** Who a user is and whether they are disabled: the columns the user list and a group’s member list start from. */
export const userSummaryColumns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  disabledAt: users.disabledAt,
};

/** A row of `userSummaryColumns` as lists show it: one display name, and disabled or not. */
export function toUserSummary(r: Pick<User, 'id' | 'email' | 'firstName' | 'lastName' | 'disabledAt'>) {
  return { id: r.id, email: r.email, name: `${r.firstName} ${r.lastName}`.trim(), disabled: r.disabledAt !== null };
}

// Correlated subqueries name the outer table explicitly: drizzle renders selected columns unqualified.
const hasTwoFactor = sql<boolean>`exists (select 1 from two_factor_credentials t where t.user_id = users.id and t.confirmed_at is not null)`;

const groupsOf = sql<{ id: string; name: string }[]>`coalesce((
  select json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name)
  from group_members m join permission_groups g on g.id = m.group_id
  where m.user_id = users.id), '[]'::json)`;

async function selectUsers(where: SQL | undefined, limit: number, db: DbOrTx): Promise<UserRow[]> {
  const rows = await db
    .select({
      ...userSummaryColumns,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
      twoFactor: hasTwoFactor,
      hasSso: sql<boolean>`exists (select 1 from sso_identities i where i.user_id = users.id)`,
      hasGoogle: sql<boolean>`exists (select 1 from google_identities i where i.user_id = users.id)`,
      lastLoginAt: users.lastLoginAt,
      lastActiveAt: users.lastActiveAt,
      groups: groupsOf,
      provisionedBy: sql<string | null>`(select d.name from scim_directories d where d.id = users.scim_directory_id)`,
    })
    .from(users)
    .where(where)
    .orderBy(asc(sql`lower(${users.email})`), asc(users.id))
    .limit(limit);
  return rows.map((r) => ({
    ...toUserSummary(r),
    signInMethods: [...(r.hasPassword ? ['password'] : []), ...(r.hasSso ? ['sso'] : []), ...(r.hasGoogle ? ['google'] : [])],
    twoFactor: r.twoFactor,
    lastLoginAt: r.lastLoginAt,
    lastActiveAt: r.lastActiveAt,
    groups: r.groups,
    provisionedBy: r.provisionedBy,
  }));
}

export type UserCursor = { email: string; id: string };

/**
 * The organization's users by email, filtered (search over name and email, status, group, sign-in
 * method); `page.after` continues after that user.
 */
export async function listUsers(
  orgId: string,
  filter: UserFilter = {},
  page: { limit?: number; after?: UserCursor } = {},
  db: DbOrTx = getDb(),
): Promise<UserRow[]> {
  const q = filter.q ? containsPattern(filter.q) : null;
  return selectUsers(
    and(
      eq(users.organizationId, orgId),
      q ? or(ilike(users.email, q), ilike(sql`${users.firstName} || ' ' || ${users.lastName}`, q)) : undefined,
      filter.status === 'active' ? isNull(users.disabledAt) : filter.status === 'disabled' ? isNotNull(users.disabledAt) : undefined,
      filter.groupId
        ? sql`exists (select 1 from group_members m where m.user_id = users.id and m.group_id = ${filter.groupId})`
        : undefined,
      filter.method === 'password' ? isNotNull(users.passwordHash) : filter.method === 'none' ? isNull(users.passwordHash) : undefined,
      filter.twoFactor === 'on' ? hasTwoFactor : filter.twoFactor === 'off' ? sql`not ${hasTwoFactor}` : undefined,
      page.after ? sql`(lower(${users.email}), ${users.id}) > (${page.after.email.toLowerCase()}, ${page.after.id}::uuid)` : undefined,
    ),
    page.limit ?? 500,
    db,
  );
}

/** One user of the organization; null for another organization's id. */
export async function getUser(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<UserRow | null> {
  if (!z.uuid().safeParse(userId).success) return null;
  const [row] = await selectUsers(and(eq(users.organizationId, orgId), eq(users.id, userId)), 1, db);
  return row ?? null;
}

/** The organization's user a change is about, in the change's transaction; another organization's id is not found. */
export async function requireOrgUser(orgId: string, userId: string, tx: DbOrTx): Promise<User> {
  const [user] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organizationId, orgId)));
  if (!user) throw new AppError('not_found', 'No such user.');
  return user;
}

/** The id of the organization's user with this email (any letter case), or null. */
export async function findUserIdByEmail(orgId: string, email: string, db: DbOrTx = getDb()): Promise<string | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.organizationId, orgId), sql`lower(${users.email}) = ${email.trim().toLowerCase()}`));
  return row?.id ?? null;
}

export type PendingInvite = { id: string; email: string; expiresAt: Date; createdAt: Date };

export async function listPendingInvites(orgId: string, db: DbOrTx = getDb()): Promise<PendingInvite[]> {
  return db
    .select({ id: invites.id, email: invites.email, expiresAt: invites.expiresAt, createdAt: invites.createdAt })
    .from(invites)
    .where(and(eq(invites.organizationId, orgId), isNull(invites.acceptedAt), isNull(invites.revokedAt), sql`${invites.expiresAt} > now()`))
    .orderBy(desc(invites.createdAt));
}

export type EffectiveAccess = { id: string; kind: ObjectKind; name: string; level: Level; because: Because };

/** Every object the user can reach, with the level and the group + grant that gives it. */
export async function effectiveAccess(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<EffectiveAccess[]> {
  const snapshot = await loadSnapshot(orgId, userId, db);
  const all = await db
    .select({ id: objects.id, kind: objects.kind, name: objects.name, folderId: objects.folderId })
    .from(objects)
    .where(eq(objects.organizationId, orgId))
    .orderBy(asc(objects.kind), asc(sql`lower(${objects.name})`))
    .limit(2000);
  return all.flatMap((o) => {
    const { level, because } = effectiveLevel(snapshot, o.kind, o);
    return level ? [{ id: o.id, kind: o.kind, name: o.name, level, because }] : [];
  });
}

/** Audit events the user performed or that were about them, newest first. */
export async function userAuditTrail(orgId: string, userId: string, db: DbOrTx = getDb()) {
  const rows = await db
    .select({
      id: auditEvents.id,
      actionType: auditEvents.actionType,
      metadata: auditEvents.metadata,
      ipAddress: auditEvents.ipAddress,
      createdAt: auditEvents.createdAt,
      actor: auditEvents.user,
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organizationId, orgId),
        or(eq(auditEvents.userId, userId), sql`${auditEvents.metadata}->>'targetUserId' = ${userId}`),
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(100);
  return rows.map((r) => ({ ...r, id: r.id.toString(), actorEmail: typeof r.actor?.email === 'string' ? r.actor.email : null }));
}
