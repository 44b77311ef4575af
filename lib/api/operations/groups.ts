import { z } from 'zod';
import { getGroupDetail, listGroups } from '@/lib/groups/reads';
import { addUsersToGroup, createGroup, deleteGroup, removeUsersFromGroup, updateGroup } from '@/lib/groups/writes';
import { LEVELS, OBJECT_KINDS, QUERY_LIBRARY_ACCESS } from '@/lib/authz/levels';
import { removeGrant, setGrant } from '@/lib/groups/writes';
import { idParam, operation } from '../operation';
import { empty, grantDto, groupDto, memberDto } from '../schemas';
import { found, getByIdOperation, requireRead } from './helpers';

const groups = { kind: 'org', area: 'groups' } as const;
const groupParams = idParam('groupId');

const groupOr404 = async (orgId: string, groupId: string) => found(await getGroupDetail(orgId, groupId), 'group');

export const listGroupsOp = operation({
  id: 'listGroups',
  method: 'GET',
  path: '/groups',
  tag: 'Groups',
  summary: 'List permission groups',
  scope: 'groups:read',
  response: z.object({ data: z.array(groupDto) }),
  async handler(ctx) {
    await requireRead(ctx, 'manage', groups);
    return { data: await listGroups(ctx.orgId) };
  },
});

export const getGroupOp = getByIdOperation('groups', 'group', groupDto, getGroupDetail);

export const createGroupOp = operation({
  id: 'createGroup',
  method: 'POST',
  path: '/groups',
  tag: 'Groups',
  summary: 'Create a group',
  scope: 'groups:write',
  status: 201,
  body: z.object({ name: z.string().trim().min(1).max(80) }),
  response: groupDto,
  async handler(ctx, { body }) {
    const { id } = await ctx.mutate((m) => createGroup(m, body));
    return groupOr404(ctx.orgId, id);
  },
});

export const updateGroupOp = operation({
  id: 'updateGroup',
  method: 'PATCH',
  path: '/groups/{groupId}',
  tag: 'Groups',
  summary: 'Rename a group or change its access settings',
  scope: 'groups:write',
  params: groupParams,
  body: z
    .object({
      name: z.string().trim().min(1).max(80).optional(),
      queryLibraryAccess: z.enum(QUERY_LIBRARY_ACCESS).optional(),
      auditLogAccess: z.boolean().optional(),
      homepageAppId: z.uuid().nullable().optional(),
    })
    .strict(),
  response: groupDto,
  async handler(ctx, { params, body }) {
    const current = await groupOr404(ctx.orgId, params.groupId);
    await ctx.mutate((m) =>
      updateGroup(m, {
        groupId: current.id,
        name: body.name ?? current.name,
        queryLibraryAccess: body.queryLibraryAccess ?? current.queryLibraryAccess,
        auditLogAccess: body.auditLogAccess ?? current.auditLogAccess,
        homepageAppId: body.homepageAppId === undefined ? current.homepageAppId : body.homepageAppId,
      }),
    );
    return groupOr404(ctx.orgId, current.id);
  },
});

export const deleteGroupOp = operation({
  id: 'deleteGroup',
  method: 'DELETE',
  path: '/groups/{groupId}',
  tag: 'Groups',
  summary: 'Delete a custom group',
  scope: 'groups:write',
  status: 204,
  params: groupParams,
  response: empty,
  async handler(ctx, { params }) {
    await ctx.mutate((m) => deleteGroup(m, { groupId: params.groupId }));
    return null;
  },
});

export const listMembersOp = operation({
  id: 'listGroupMembers',
  method: 'GET',
  path: '/groups/{groupId}/members',
  tag: 'Groups',
  summary: 'List a group’s members (All Users lists none: everyone is in it)',
  scope: 'groups:read',
  params: groupParams,
  response: z.object({ data: z.array(memberDto) }),
  async handler(ctx, { params }) {
    await requireRead(ctx, 'manage_members', { kind: 'group', id: params.groupId });
    return { data: (await groupOr404(ctx.orgId, params.groupId)).memberList };
  },
});

export const addMembersOp = operation({
  id: 'addGroupMembers',
  method: 'POST',
  path: '/groups/{groupId}/members',
  tag: 'Groups',
  summary: 'Add users to a group',
  scope: 'groups:write',
  params: groupParams,
  body: z.object({ userIds: z.array(z.uuid()).min(1).max(1000) }),
  response: z.object({ added: z.number().int() }),
  handler: (ctx, { params, body }) => ctx.mutate((m) => addUsersToGroup(m, { groupId: params.groupId, userIds: body.userIds })),
});

export const removeMemberOp = operation({
  id: 'removeGroupMember',
  method: 'DELETE',
  path: '/groups/{groupId}/members/{userId}',
  tag: 'Groups',
  summary: 'Remove a user from a group',
  scope: 'groups:write',
  status: 204,
  params: z.object({ groupId: z.uuid(), userId: z.uuid() }),
  response: empty,
  async handler(ctx, { params }) {
    await ctx.mutate((m) => removeUsersFromGroup(m, { groupId: params.groupId, userIds: [params.userId] }));
    return null;
  },
});

export const listGrantsOp = operation({
  id: 'listPermissions',
  method: 'GET',
  path: '/permissions',
  tag: 'Permissions',
  summary: 'List a group’s grants',
  scope: 'permissions:read',
  query: z.object({ groupId: z.uuid() }),
  response: z.object({ data: z.array(grantDto) }),
  async handler(ctx, { query }) {
    await requireRead(ctx, 'manage', groups);
    const group = await groupOr404(ctx.orgId, query.groupId);
    return { data: group.grantList.map((g) => ({ ...g, groupId: group.id })) };
  },
});

export const setGrantOp = operation({
  id: 'setPermission',
  method: 'POST',
  path: '/permissions',
  tag: 'Permissions',
  summary: 'Grant (or change) a group’s level on an object, a folder, or a whole kind',
  scope: 'permissions:write',
  status: 201,
  body: z
    .object({
      groupId: z.uuid(),
      objectKind: z.enum(OBJECT_KINDS),
      scope: z.enum(['object', 'folder', 'kind']),
      targetId: z.uuid().nullable().default(null),
      level: z.enum(LEVELS),
      environmentId: z.uuid().nullable().default(null),
    })
    .refine((v) => (v.scope === 'kind') === (v.targetId === null), {
      path: ['targetId'],
      message: 'targetId is required for object and folder grants and must be null for kind-wide ones.',
    }),
  response: grantDto,
  async handler(ctx, { body }) {
    const { id } = await ctx.mutate((m) => setGrant(m, body));
    return { id, ...body };
  },
});

export const removeGrantOp = operation({
  id: 'removePermission',
  method: 'DELETE',
  path: '/permissions/{grantId}',
  tag: 'Permissions',
  summary: 'Remove a grant',
  scope: 'permissions:write',
  status: 204,
  params: idParam('grantId'),
  response: empty,
  async handler(ctx, { params }) {
    await ctx.mutate((m) => removeGrant(m, { grantId: params.grantId }));
    return null;
  },
});
