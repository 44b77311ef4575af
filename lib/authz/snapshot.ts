import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db';
import { groupMembers, permissionGrants, permissionGroups } from '@/db/schema';
import type { Snapshot, SnapshotGrant, SnapshotGroup } from './can';

type Row = {
  id: string;
  name: string;
  builtin: SnapshotGroup['builtin'];
  query_library: SnapshotGroup['queryLibrary'];
  audit_log: boolean;
  is_group_admin: boolean;
  grant_id: string | null;
  object_kind: SnapshotGrant['objectKind'] | null;
  scope: SnapshotGrant['scope'] | null;
  target_id: string | null;
  level: SnapshotGrant['level'] | null;
  environment_id: string | null;
};

/**
 * The user's groups (explicit memberships plus the implicit All Users) and their grants, in one
 * round trip. Read from the user's side (group_members by user, then their groups) so the cost
 * follows the user's memberships, not the number of groups in the organization.
 */
export async function loadSnapshot(orgId: string, userId: string, db: DbOrTx): Promise<Snapshot> {
  const g = permissionGroups;
  const rows = await queryRows<Row>(
    db,
    sql`with mine as (
          select ${g.id} as id, ${g.name} as name, ${g.builtin} as builtin, ${g.queryLibraryAccess} as query_library,
                 ${g.auditLogAccess} as audit_log, ${groupMembers.isGroupAdmin} as is_group_admin
            from ${groupMembers} join ${g} on ${g.id} = ${groupMembers.groupId}
           where ${groupMembers.userId} = ${userId} and ${g.organizationId} = ${orgId}
        ), groups as (
          select * from mine
          union all
          select ${g.id}, ${g.name}, ${g.builtin}, ${g.queryLibraryAccess}, ${g.auditLogAccess}, false
            from ${g}
           where ${g.organizationId} = ${orgId} and ${g.builtin} = 'all_users' and ${g.id} not in (select id from mine)
        )
        select groups.*, pg.id as grant_id, pg.object_kind, pg.scope, pg.target_id, pg.level, pg.environment_id
          from groups
          left join ${permissionGrants} pg on pg.group_id = groups.id and pg.organization_id = ${orgId}`,
  );
  const groups = new Map<string, SnapshotGroup>();
  const grants: SnapshotGrant[] = [];
  for (const r of rows) {
    if (!groups.has(r.id))
      groups.set(r.id, {
        id: r.id,
        name: r.name,
        builtin: r.builtin,
        queryLibrary: r.query_library,
        auditLog: r.audit_log,
        isGroupAdmin: r.is_group_admin,
      });
    if (r.grant_id)
      grants.push({
        id: r.grant_id,
        groupId: r.id,
        objectKind: r.object_kind!,
        scope: r.scope!,
        targetId: r.target_id,
        level: r.level!,
        environmentId: r.environment_id,
      });
  }
  return { orgId, userId, groups: [...groups.values()], grants };
}
