import { and, eq, inArray, or } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
import { groupMembers, permissionGrants, permissionGroups } from '@/db/schema';
import type { Snapshot } from './can';

/** The user's groups (explicit memberships plus the implicit All Users) and their grants. */
export async function loadSnapshot(db: DbOrTx, orgId: string, userId: string): Promise<Snapshot> {
  const rows = await db
    .select({
      id: permissionGroups.id,
      name: permissionGroups.name,
      builtin: permissionGroups.builtin,
      queryLibrary: permissionGroups.queryLibraryAccess,
      auditLog: permissionGroups.auditLogAccess,
      isGroupAdmin: groupMembers.isGroupAdmin,
    })
    .from(permissionGroups)
    .leftJoin(groupMembers, and(eq(groupMembers.groupId, permissionGroups.id), eq(groupMembers.userId, userId)))
    .where(and(eq(permissionGroups.organizationId, orgId), or(eq(permissionGroups.builtin, 'all_users'), eq(groupMembers.userId, userId))));
  const groups = rows.map((g) => ({ ...g, isGroupAdmin: g.isGroupAdmin ?? false }));
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
