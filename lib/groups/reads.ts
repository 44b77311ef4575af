import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { groupMembers, permissionGrants, permissionGroups, users } from '@/db/schema';
import { toUserSummary, userSummaryColumns } from '@/lib/users/reads';

export type GroupSummary = {
  id: string;
  name: string;
  builtin: 'admin' | 'all_users' | null;
  members: number;
  grants: number;
  queryLibraryAccess: 'none' | 'view' | 'edit';
  auditLogAccess: boolean;
  homepageAppId: string | null;
  /** The SCIM directory that manages its name and members, if any. */
  provisionedBy: string | null;
};

export async function listGroups(orgId: string, db: DbOrTx = getDb()): Promise<GroupSummary[]> {
  return groupSummaries(orgId, undefined, db);
}

/** The organization's groups, or the one `only` names: one statement whichever, plus a user count for All Users. */
async function groupSummaries(orgId: string, only: SQL | undefined, db: DbOrTx): Promise<GroupSummary[]> {
  const rows = await db
    .select({
      id: permissionGroups.id,
      name: permissionGroups.name,
      builtin: permissionGroups.builtin,
      queryLibraryAccess: permissionGroups.queryLibraryAccess,
      auditLogAccess: permissionGroups.auditLogAccess,
      homepageAppId: permissionGroups.homepageAppId,
      // Correlated subqueries name the outer table explicitly: drizzle renders selected columns unqualified.
      members: sql<number>`(select count(*)::int from group_members m where m.group_id = permission_groups.id)`,
      grants: sql<number>`(select count(*)::int from permission_grants pg where pg.group_id = permission_groups.id)`,
      provisionedBy: sql<string | null>`(select d.name from scim_directories d where d.id = permission_groups.scim_directory_id)`,
    })
    .from(permissionGroups)
    .where(and(eq(permissionGroups.organizationId, orgId), only))
    .orderBy(sql`${permissionGroups.builtin} is null`, asc(sql`lower(${permissionGroups.name})`));
  if (!rows.some((g) => g.builtin === 'all_users')) return rows;
  const [everyone] = await db.select({ n: count() }).from(users).where(eq(users.organizationId, orgId));
  return rows.map((g) => (g.builtin === 'all_users' ? { ...g, members: everyone?.n ?? 0 } : g));
}

export type GroupDetail = GroupSummary & {
  memberList: { userId: string; email: string; name: string; disabled: boolean; isGroupAdmin: boolean }[];
  grantList: {
    id: string;
    objectKind: 'app' | 'resource' | 'workflow';
    scope: 'object' | 'folder' | 'kind';
    targetId: string | null;
    targetName: string | null;
    level: 'use' | 'edit' | 'own';
    /** Set when the grant counts in one environment only. */
    environmentId: string | null;
    environmentName: string | null;
  }[];
};

/** One group with its members and grants; null for another organization's id. */
export async function getGroupDetail(orgId: string, groupId: string, db: DbOrTx = getDb()): Promise<GroupDetail | null> {
  if (!z.uuid().safeParse(groupId).success) return null;
  const [summary] = await groupSummaries(orgId, eq(permissionGroups.id, groupId), db);
  if (!summary) return null;
  const memberList =
    summary.builtin === 'all_users'
      ? []
      : (
          await db
            .select({ ...userSummaryColumns, isGroupAdmin: groupMembers.isGroupAdmin })
            .from(groupMembers)
            .innerJoin(users, eq(users.id, groupMembers.userId))
            .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.organizationId, orgId)))
            .orderBy(asc(sql`lower(${users.email})`))
        ).map((m) => {
          const { id: userId, ...user } = toUserSummary(m);
          return { userId, ...user, isGroupAdmin: m.isGroupAdmin };
        });
  const grantList = await db
    .select({
      id: permissionGrants.id,
      objectKind: permissionGrants.objectKind,
      scope: permissionGrants.scope,
      targetId: permissionGrants.targetId,
      level: permissionGrants.level,
      targetName: sql<
        string | null
      >`coalesce((select o.name from objects o where o.id = permission_grants.target_id), (select f.name from folders f where f.id = permission_grants.target_id))`,
      environmentId: permissionGrants.environmentId,
      environmentName: sql<string | null>`(select e.name from environments e where e.id = permission_grants.environment_id)`,
    })
    .from(permissionGrants)
    .where(and(eq(permissionGrants.groupId, groupId), eq(permissionGrants.organizationId, orgId)))
    .orderBy(asc(permissionGrants.objectKind), asc(permissionGrants.scope));
  return { ...summary, memberList, grantList };
}
