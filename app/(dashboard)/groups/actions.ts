'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import {
  createGroupInput,
  deleteGroupInput,
  grantFormInput,
  groupMemberFormInput,
  removeGrantInput,
  setGroupAdminInput,
  updateGroupInput,
} from '@/lib/groups/inputs';
import {
  addUsersToGroup,
  createGroup,
  deleteGroup,
  removeGrant,
  removeUsersFromGroup,
  setGrant,
  setGroupAdmin,
  updateGroup,
} from '@/lib/groups/writes';
import { defineAction, type ActionResult } from '@/lib/server/action';

const refresh = () => revalidatePath('/groups', 'layout');

const createGroupRun = defineAction(createGroupInput, async (ctx, input) => {
  const group = await createGroup(ctx, input);
  refresh();
  return group;
});
/** A new group opens on its page, where its members and grants are added. */
export async function createGroupAction(prev: ActionResult<Awaited<ReturnType<typeof createGroup>>> | null, form: FormData) {
  const result = await createGroupRun(null, form);
  if (result.ok) redirect(`/groups/${result.data.id}`);
  return result;
}

export const updateGroupAction = defineAction(updateGroupInput, async (ctx, input) => {
  await updateGroup(ctx, input);
  refresh();
});

const deleteGroupRun = defineAction(deleteGroupInput, (ctx, input) => deleteGroup(ctx, input));
export async function deleteGroupAction(prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await deleteGroupRun(prev, form);
  if (result.ok) redirect('/groups');
  return result;
}

export const addMemberAction = defineAction(groupMemberFormInput, async (ctx, input) => {
  await addUsersToGroup(ctx, input);
  refresh();
});

export const removeMemberAction = defineAction(groupMemberFormInput, async (ctx, input) => {
  await removeUsersFromGroup(ctx, input);
  refresh();
});

export const setGroupAdminAction = defineAction(setGroupAdminInput, async (ctx, input) => {
  await setGroupAdmin(ctx, input);
  refresh();
});

export const setGrantAction = defineAction(grantFormInput, async (ctx, input) => {
  await setGrant(ctx, input);
  revalidatePath('/', 'layout');
});

export const removeGrantAction = defineAction(removeGrantInput, async (ctx, input) => {
  await removeGrant(ctx, input);
  revalidatePath('/', 'layout');
});
