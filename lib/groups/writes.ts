import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db';
import { groupMembers, permissionGrants, permissionGroups, users, type PermissionGroup } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { findEnvironment } from '@/lib/environments/reads';
import { AppError } from '@/lib/errors';
import { findFolder, findObject } from '@/lib/objects/lookup';
import { isUniqueViolation, orgOf, type MutationCtx } from '@/lib/server/mutation';
import type { CreateGroupInput, GroupMembersInput, SetGrantInput, UpdateGroupInput } from './inputs';

const NAME_TAKEN = 'A group with that name already exists.';
/** SCIM-managed groups take their name and members from the identity provider; grants stay ours. */
const PROVISIONED = 'This group is managed by SCIM: change its name and members in your identity provider.';

export async function findGroup(orgId: string, groupId: string, db: DbOrTx) {
  const [group] = await db
    .select()
    .from(permissionGroups)
    .where(and(eq(permissionGroups.id, groupId), eq(permissionGroups.organizationId, orgId)));
  if (!group) throw new AppError('not_found', 'No such group.');
  return group;
}

/** Enabled members of the Admin group. */
export async function activeAdminIds(orgId: string, db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(groupMembers)
    .innerJoin(permissionGroups, eq(permissionGroups.id, groupMembers.groupId))
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.organizationId, orgId), eq(permissionGroups.builtin, 'admin'), isNull(users.disabledAt)));
  return rows.map((r) => r.id);
}

// The one create, update, membership change and delete of a group, for every caller (the
// dashboard, the API, the CLI, SCIM). The callers authorize and apply their own policy (a
// dashboard cannot change a SCIM-managed group; a directory only its own groups).

/** Inserts a group and records CREATE_GROUP; a taken name (any letter case) is a conflict. */
export async function insertGroup(
  ctx: MutationCtx,
  orgId: string,
  values: { name: string; scimDirectoryId?: string; scimExternalId?: string | null },
): Promise<PermissionGroup> {
  const [group] = await ctx.tx
    .insert(permissionGroups)
    .values({ organizationId: orgId, ...values })
    .returning()
    .catch(nameTaken);
  await record(ctx, { actionType: 'CREATE_GROUP', metadata: { groupId: group!.id, groupName: group!.name } });
  return group!;
}

function nameTaken(e: unknown): never {
  if (isUniqueViolation(e)) throw AppError.field('name', NAME_TAKEN, 'conflict');
  throw e;
}

type GroupFields = Partial<
  Pick<PermissionGroup, 'name' | 'queryLibraryAccess' | 'auditLogAccess' | 'homepageAppId' | 'scimDirectoryId' | 'scimExternalId'>
>;
const settingsOf = (g: PermissionGroup) => ({
  name: g.name,
  queryLibraryAccess: g.queryLibraryAccess,
  auditLogAccess: g.auditLogAccess,
  homepageAppId: g.homepageAppId,
});

/** Changes a group's fields and records UPDATE_GROUP with its settings before and after. */
export async function changeGroup(ctx: MutationCtx, group: PermissionGroup, fields: GroupFields): Promise<PermissionGroup> {
  const [row] = await ctx.tx
    .update(permissionGroups)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(permissionGroups.id, group.id))
    .returning()
    .catch(nameTaken);
  await record(ctx, { actionType: 'UPDATE_GROUP', metadata: { groupId: group.id, before: settingsOf(group), after: settingsOf(row!) } });
  return row!;
}

/** Adds users who are not members yet (each a user of the organization that SCIM has not deleted); records who was added. */
export async function insertMembers(ctx: MutationCtx, group: PermissionGroup, userIds: string[]): Promise<string[]> {
  const wanted = [...new Set(userIds)];
  if (wanted.length === 0) return [];
  if (group.builtin === 'all_users') throw new AppError('invalid_input', 'Everyone is in All Users; its membership cannot change.');
  const valid = wanted.filter((id) => z.uuid().safeParse(id).success);
  const found = valid.length
    ? await ctx.tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.organizationId, group.organizationId), isNull(users.scimDeletedAt), inArray(users.id, valid)))
    : [];
  const missing = wanted.filter((id) => !found.some((f) => f.id === id));
  if (missing.length)
    throw AppError.field('userIds', `No user with id ${missing.slice(0, 5).join(', ')} in this organization.`, 'not_found');
  const added = await ctx.tx
    .insert(groupMembers)
    .values(wanted.map((userId) => ({ organizationId: group.organizationId, groupId: group.id, userId })))
    .onConflictDoNothing()
    .returning({ userId: groupMembers.userId });
  if (added.length) {
    await record(ctx, {
      actionType: 'ADD_USERS_TO_GROUP',
      metadata: { groupId: group.id, groupName: group.name, userIds: added.map((a) => a.userId) },
    });
  }
  return added.map((a) => a.userId);
}

/** Removes members (or all of them), keeping the last active admin in Admin; records who was removed. */
export async function deleteMembers(ctx: MutationCtx, group: PermissionGroup, userIds: string[] | 'all'): Promise<string[]> {
  if (group.builtin === 'all_users') throw new AppError('invalid_input', 'Everyone is in All Users; its membership cannot change.');
  const ids = userIds === 'all' ? 'all' : userIds.filter((id) => z.uuid().safeParse(id).success);
  if (ids !== 'all' && ids.length === 0) return [];
  if (group.builtin === 'admin') {
    const admins = await activeAdminIds(group.organizationId, ctx.tx);
    if (admins.length > 0 && (ids === 'all' || admins.every((id) => ids.includes(id)))) {
      throw new AppError('invalid_input', 'The organization needs at least one active admin. Add another admin first.');
    }
  }
  const removed = await ctx.tx
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), ids === 'all' ? undefined : inArray(groupMembers.userId, ids)))
    .returning({ userId: groupMembers.userId });
  if (removed.length) {
    await record(ctx, {
      actionType: 'REMOVE_USERS_FROM_GROUP',
      metadata: { groupId: group.id, groupName: group.name, userIds: removed.map((r) => r.userId) },
    });
  }
  return removed.map((r) => r.userId);
}

/** Deletes a group with its memberships and grants; DELETE_GROUP says how many there were. */
export async function deleteGroupRow(ctx: MutationCtx, group: PermissionGroup): Promise<void> {
  if (group.builtin) throw new AppError('invalid_input', `The built-in ${group.name} group cannot be deleted.`);
  const [m] = await ctx.tx.select({ n: count() }).from(groupMembers).where(eq(groupMembers.groupId, group.id));
  const [g] = await ctx.tx.select({ n: count() }).from(permissionGrants).where(eq(permissionGrants.groupId, group.id));
  await ctx.tx.delete(permissionGroups).where(eq(permissionGroups.id, group.id));
  await record(ctx, {
    actionType: 'DELETE_GROUP',
    metadata: { groupId: group.id, groupName: group.name, members: m?.n ?? 0, grants: g?.n ?? 0 },
  });
}

export async function createGroup(ctx: MutationCtx, input: CreateGroupInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'groups' });
  const { id } = await insertGroup(ctx, orgId, { name: input.name });
  return { id };
}

export async function updateGroup(ctx: MutationCtx, input: UpdateGroupInput): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'groups' });
  const group = await findGroup(orgId, input.groupId, ctx.tx);
  if (group.builtin && input.name !== group.name) throw AppError.field('name', `The built-in ${group.name} group cannot be renamed.`);
  if (group.scimDirectoryId && input.name !== group.name) throw AppError.field('name', PROVISIONED);
  if (input.homepageAppId) await findObject(orgId, 'app', input.homepageAppId, ctx.tx);
  const { name, queryLibraryAccess, auditLogAccess, homepageAppId } = input;
  await changeGroup(ctx, group, { name, queryLibraryAccess, auditLogAccess, homepageAppId });
}

export async function deleteGroup(ctx: MutationCtx, input: { groupId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'groups' });
  const group = await findGroup(orgId, input.groupId, ctx.tx);
  if (group.scimDirectoryId) throw new AppError('invalid_input', PROVISIONED);
  await deleteGroupRow(ctx, group);
}

/** Adds users to a group. Admins, or the group's own group admins. */
export async function addUsersToGroup(ctx: MutationCtx, input: GroupMembersInput): Promise<{ added: number }> {
  const group = await findGroup(orgOf(ctx), input.groupId, ctx.tx);
  await authorize(ctx, 'manage_members', { kind: 'group', id: group.id });
  if (group.scimDirectoryId) throw new AppError('invalid_input', PROVISIONED);
  const added = await insertMembers(ctx, group, input.userIds);
  if (added.length === 0) throw new AppError('conflict', 'Already a member of this group.');
  return { added: added.length };
}

/** Removes users from a group; the last active admin cannot leave the Admin group. */
export async function removeUsersFromGroup(ctx: MutationCtx, input: GroupMembersInput): Promise<{ removed: number }> {
  const group = await findGroup(orgOf(ctx), input.groupId, ctx.tx);
  await authorize(ctx, 'manage_members', { kind: 'group', id: group.id });
  if (group.scimDirectoryId) throw new AppError('invalid_input', PROVISIONED);
  const removed = await deleteMembers(ctx, group, input.userIds);
  if (removed.length === 0) throw new AppError('not_found', 'Not a member of this group.');
  return { removed: removed.length };
}

/** Makes a member a group admin (manages membership only). Not on built-in groups. */
export async function setGroupAdmin(ctx: MutationCtx, input: { groupId: string; userId: string; isGroupAdmin: boolean }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'groups' });
  const group = await findGroup(orgId, input.groupId, ctx.tx);
  if (group.builtin) throw new AppError('invalid_input', `The built-in ${group.name} group has no group admins.`);
  const updated = await ctx.tx
    .update(groupMembers)
    .set({ isGroupAdmin: input.isGroupAdmin })
    .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, input.userId)))
    .returning({ userId: groupMembers.userId });
  if (updated.length === 0) throw new AppError('not_found', 'Not a member of this group.');
  await record(ctx, {
    actionType: 'SET_GROUP_ADMIN',
    metadata: { groupId: group.id, groupName: group.name, targetUserId: input.userId, isGroupAdmin: input.isGroupAdmin },
  });
}

/** The target of a grant must exist in the organization, and the actor must be allowed to share it. */
async function authorizeSharing(
  ctx: MutationCtx,
  orgId: string,
  g: { objectKind: SetGrantInput['objectKind']; scope: string; targetId: string | null },
) {
  if (g.scope === 'object') {
    const object = await findObject(orgId, g.objectKind, g.targetId!, ctx.tx);
    await authorize(ctx, 'share', { kind: object.kind, id: object.id, folderId: object.folderId });
  } else if (g.scope === 'folder') {
    const folder = await findFolder(orgId, g.objectKind, g.targetId!, ctx.tx);
    await authorize(ctx, 'share', { kind: 'folder', objectKind: folder.objectKind, id: folder.id });
  } else {
    await authorize(ctx, 'manage', { kind: 'org', area: 'groups' });
  }
}

/** Grants (or changes) a group's level on an object, a folder, or a whole kind. Owners share; admins grant kind-wide. */
export async function setGrant(ctx: MutationCtx, input: SetGrantInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  const group = await findGroup(orgId, input.groupId, ctx.tx);
  await authorizeSharing(ctx, orgId, input);
  if (group.builtin === 'admin') throw new AppError('invalid_input', 'Admins already own everything.');
  const environmentId = input.environmentId ? (await findEnvironment(orgId, { id: input.environmentId }, ctx.tx)).id : null;
  const [existing] = await ctx.tx
    .select()
    .from(permissionGrants)
    .where(
      and(
        eq(permissionGrants.groupId, group.id),
        eq(permissionGrants.objectKind, input.objectKind),
        eq(permissionGrants.scope, input.scope),
        input.targetId ? eq(permissionGrants.targetId, input.targetId) : isNull(permissionGrants.targetId),
        environmentId ? eq(permissionGrants.environmentId, environmentId) : isNull(permissionGrants.environmentId),
      ),
    );
  let grantId: string;
  if (existing) {
    if (existing.level === input.level) throw new AppError('conflict', `${group.name} already has ${input.level} access there.`);
    await ctx.tx.update(permissionGrants).set({ level: input.level, updatedAt: new Date() }).where(eq(permissionGrants.id, existing.id));
    grantId = existing.id;
  } else {
    const [row] = await ctx.tx
      .insert(permissionGrants)
      .values({
        organizationId: orgId,
        groupId: group.id,
        objectKind: input.objectKind,
        scope: input.scope,
        targetId: input.targetId,
        level: input.level,
        environmentId,
      })
      .returning({ id: permissionGrants.id });
    grantId = row!.id;
  }
  await record(ctx, {
    actionType: 'GRANT_PERMISSION',
    metadata: {
      groupId: group.id,
      groupName: group.name,
      grantId,
      objectKind: input.objectKind,
      scope: input.scope,
      targetId: input.targetId,
      level: input.level,
      previousLevel: existing?.level ?? null,
      ...(environmentId ? { environmentId } : {}),
    },
  });
  return { id: grantId };
}

export async function removeGrant(ctx: MutationCtx, input: { grantId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  const [grant] = await ctx.tx
    .select()
    .from(permissionGrants)
    .where(and(eq(permissionGrants.id, input.grantId), eq(permissionGrants.organizationId, orgId)));
  if (!grant) throw new AppError('not_found', 'No such grant.');
  await authorizeSharing(ctx, orgId, grant);
  const group = await findGroup(orgId, grant.groupId, ctx.tx);
  await ctx.tx.delete(permissionGrants).where(eq(permissionGrants.id, grant.id));
  await record(ctx, {
    actionType: 'REVOKE_PERMISSION',
    metadata: {
      groupId: group.id,
      groupName: group.name,
      grantId: grant.id,
      objectKind: grant.objectKind,
      scope: grant.scope,
      targetId: grant.targetId,
      level: grant.level,
      ...(grant.environmentId ? { environmentId: grant.environmentId } : {}),
    },
  });
}
