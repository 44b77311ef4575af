import { and, eq } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { groupMembers, permissionGroups } from '@/db/schema';

/** Whether the user is a member of the organization's built-in Admin group. */
export async function isOrgAdmin(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<boolean> {
  const rows = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .innerJoin(permissionGroups, eq(permissionGroups.id, groupMembers.groupId))
    .where(
      and(
        eq(groupMembers.organizationId, orgId),
        eq(groupMembers.userId, userId),
        eq(permissionGroups.builtin, 'admin'),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
