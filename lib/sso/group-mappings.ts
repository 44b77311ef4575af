// Group mapping: an IdP's groups claim or attribute, mapped by stable value to permission groups,
// applied at every SSO sign-in (a linking sign-in included).
import { and, eq, inArray } from 'drizzle-orm';
import { groupMembers, permissionGroups, ssoGroupMappings } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { activeAdminIds } from '@/lib/groups/writes';
import type { MutationCtx } from '@/lib/server/mutation';

/**
 * Makes the user's membership of every mapped group match the IdP's groups claim: added where a
 * value maps to the group, removed where none does. Unmapped groups are left alone, and the
 * last active admin is never removed from Admin. Audited when something changed.
 */
export async function applyGroupMappings(ctx: MutationCtx, connectionId: string, userId: string, idpGroups: string[]): Promise<void> {
  const { tx } = ctx;
  const mappings = await tx
    .select({
      idpGroup: ssoGroupMappings.idpGroup,
      groupId: ssoGroupMappings.groupId,
      groupName: permissionGroups.name,
      builtin: permissionGroups.builtin,
      organizationId: ssoGroupMappings.organizationId,
    })
    .from(ssoGroupMappings)
    .innerJoin(permissionGroups, eq(permissionGroups.id, ssoGroupMappings.groupId))
    .where(eq(ssoGroupMappings.connectionId, connectionId));
  if (mappings.length === 0) return;
  const orgId = mappings[0]!.organizationId;
  const wanted = new Set(mappings.filter((m) => idpGroups.includes(m.idpGroup)).map((m) => m.groupId));
  const managed = new Map(mappings.map((m) => [m.groupId, m]));
  const current = new Set(
    (
      await tx
        .select({ groupId: groupMembers.groupId })
        .from(groupMembers)
        .where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, [...managed.keys()])))
    ).map((r) => r.groupId),
  );
  const add = [...wanted].filter((g) => !current.has(g));
  let remove = [...current].filter((g) => !wanted.has(g));
  if (remove.some((g) => managed.get(g)!.builtin === 'admin')) {
    const admins = await activeAdminIds(orgId, tx);
    if (admins.length === 1 && admins[0] === userId) remove = remove.filter((g) => managed.get(g)!.builtin !== 'admin');
  }
  if (add.length === 0 && remove.length === 0) return;
  if (add.length) await tx.insert(groupMembers).values(add.map((groupId) => ({ organizationId: orgId, groupId, userId })));
  if (remove.length) await tx.delete(groupMembers).where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, remove)));
  const ref = (g: string) => ({ groupId: g, groupName: managed.get(g)!.groupName });
  await record(
    ctx,
    {
      actionType: 'SSO_GROUP_MAPPING_APPLIED',
      metadata: { connectionId, targetUserId: userId, idpGroups: idpGroups.slice(0, 100), added: add.map(ref), removed: remove.map(ref) },
    },
    { userId },
  );
}
