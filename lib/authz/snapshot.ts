import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { groupMembers, permissionGrants, permissionGroups } from '@/db/schema';
import type { Snapshot } from './can';

/**
 * The user's groups (explicit memberships plus the implicit All Users) and their grants. Read from
 * the user's side (group_members by user, then their groups) so the cost follows the user's
 * memberships, not the number of groups in the organization.
 */
export async function loadSnapshot(db: DbOrTx, orgId: string, userId: string): Promise<Snapshot> {
  const columns = {
    id: permissionGroups.id,
    name: permissionGroups.name,
    builtin: permissionGroups.builtin,
    queryLibrary: permissionGroups.queryLibraryAccess,
    auditLog: permissionGroups.auditLogAccess,
  };
  // One after the other: inside a transaction both run on its one connection anyway.
  const memberships = await db
    .select({ ...columns, isGroupAdmin: groupMembers.isGroupAdmin })
    .from(groupMembers)
    .innerJoin(permissionGroups, eq(permissionGroups.id, groupMembers.groupId))
    .where(and(eq(groupMembers.userId, userId), eq(permissionGroups.organizationId, orgId)));
  const allUsers = await db
    .select(columns)
    .from(permissionGroups)
    .where(and(eq(permissionGroups.organizationId, orgId), eq(permissionGroups.builtin, 'all_users')));
  const groups = [...memberships, ...allUsers.filter((g) => !memberships.some((m) => m.id === g.id)).map((g) => ({ ...g, isGroupAdmin: false }))];
  const grants = groups.length
    ? await db
        .select({
          id: permissionGrants.id,
          groupId: permissionGrants.groupId,
          objectKind: permissionGrants.objectKind,
          scope: permissionGrants.scope,
          targetId: permissionGrants.targetId,
          level: permissionGrants.level,
          environmentId: permissionGrants.environmentId,
        })
        .from(permissionGrants)
        .where(and(eq(permissionGrants.organizationId, orgId), inArray(permissionGrants.groupId, groups.map((g) => g.id))))
    : [];
  return { orgId, userId, groups, grants };
}
