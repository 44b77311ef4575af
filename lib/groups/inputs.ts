import { z } from 'zod';
import { checkbox, optionalId } from '@/lib/forms';
import { LEVELS, OBJECT_KINDS, QUERY_LIBRARY_ACCESS } from '@/lib/authz/levels';

export const groupName = z.string().trim().min(1, 'Enter a group name.').max(80, 'Use at most 80 characters.');
const groupId = z.uuid('Unknown group.');
const userId = z.uuid('Unknown user.');

export const createGroupInput = z.object({ name: groupName });
export type CreateGroupInput = z.infer<typeof createGroupInput>;

export const updateGroupInput = z.object({
  groupId,
  name: groupName,
  queryLibraryAccess: z.enum(QUERY_LIBRARY_ACCESS, 'Choose none, view or edit.'),
  auditLogAccess: checkbox,
  homepageAppId: optionalId,
});
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;

export const deleteGroupInput = z.object({ groupId });

export const groupMembersInput = z.object({ groupId, userIds: z.array(userId).min(1, 'Choose at least one user.').max(1000) });
export type GroupMembersInput = z.infer<typeof groupMembersInput>;
/** The form shape: one user at a time from a select. */
export const groupMemberFormInput = z.object({ groupId, userId }).transform(({ groupId, userId }) => ({ groupId, userIds: [userId] }));

export const setGroupAdminInput = z.object({ groupId, userId, isGroupAdmin: checkbox });

export const setGrantInput = z
  .object({
    groupId,
    objectKind: z.enum(OBJECT_KINDS, 'Choose apps, resources or workflows.'),
    scope: z.enum(['object', 'folder', 'kind'], 'Choose what the grant covers.'),
    targetId: optionalId,
    level: z.enum(LEVELS, 'Choose use, edit or own.'),
    /** Limits the grant to one environment; empty: every environment. */
    environmentId: optionalId,
  })
  .superRefine((v, ctx) => {
    if (v.scope !== 'kind' && !v.targetId) ctx.addIssue({ code: 'custom', path: ['targetId'], message: `Choose the ${v.scope}.` });
  })
  .transform((v) => ({ ...v, targetId: v.scope === 'kind' ? null : v.targetId }));
export type SetGrantInput = Omit<z.infer<typeof setGrantInput>, 'environmentId'> & { environmentId?: string | null };

export const removeGrantInput = z.object({ grantId: z.uuid('Unknown grant.') });

/** The form shape: one select whose value is `kind:scope:targetId` (targetId empty for kind-wide). */
export const grantFormInput = z.preprocess((raw) => {
  const form = (raw ?? {}) as Record<string, unknown>;
  const [objectKind, scope, targetId] = String(form.target ?? '').split(':');
  return { groupId: form.groupId, objectKind, scope, targetId, level: form.level, environmentId: form.environmentId };
}, setGrantInput);
