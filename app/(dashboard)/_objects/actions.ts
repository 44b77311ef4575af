'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { LEVELS, OBJECT_KINDS } from '@/lib/authz/levels';
import { setGrant } from '@/lib/groups/writes';
import {
  createFolderInput,
  createObjectInput,
  deleteFolderInput,
  deleteObjectInput,
  moveObjectInput,
  renameFolderInput,
  renameObjectInput,
} from '@/lib/objects/inputs';
import { KIND_LABEL } from '@/lib/objects/lookup';
import { createFolder, createObject, deleteFolder, deleteObject, moveToFolder, renameFolder, renameObject } from '@/lib/objects/writes';
import { defineAction, type ActionResult } from '@/lib/server/action';

const refresh = () => revalidatePath('/', 'layout');

const createObjectRun = defineAction(createObjectInput, async (ctx, input) => {
  const created = await createObject(ctx, input);
  refresh();
  return { id: created.id, kind: input.kind };
});
/** A new resource opens on its page, where it is configured; apps and workflows stay on the list. */
export async function createObjectAction(prev: ActionResult<{ id: string; kind: string }> | null, form: FormData) {
  const result = await createObjectRun(null, form);
  if (result.ok && result.data.kind === 'resource') redirect(`/resources/${result.data.id}`);
  return result;
}

export const renameObjectAction = defineAction(renameObjectInput, async (ctx, input) => {
  await renameObject(ctx, input);
  refresh();
});

export const moveObjectAction = defineAction(moveObjectInput, async (ctx, input) => {
  await moveToFolder(ctx, input);
  refresh();
});

const deleteObjectRun = defineAction(deleteObjectInput, async (ctx, input) => {
  await deleteObject(ctx, input);
  return input.kind;
});
export async function deleteObjectAction(prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await deleteObjectRun(null, form);
  if (!result.ok) return result;
  refresh();
  redirect(`/${KIND_LABEL[result.data].many}`);
}

export const createFolderAction = defineAction(createFolderInput, async (ctx, input) => {
  await createFolder(ctx, input);
  refresh();
});

export const renameFolderAction = defineAction(renameFolderInput, async (ctx, input) => {
  await renameFolder(ctx, input);
  refresh();
});

export const deleteFolderAction = defineAction(deleteFolderInput, async (ctx, input) => {
  await deleteFolder(ctx, input);
  refresh();
});

/** Sharing from an object's page: grant a group a level on this one object (owners only). */
export const shareObjectAction = defineAction(
  z.object({ kind: z.enum(OBJECT_KINDS), objectId: z.uuid(), groupId: z.uuid('Choose a group.'), level: z.enum(LEVELS) }),
  async (ctx, input) => {
    await setGrant(ctx, { groupId: input.groupId, objectKind: input.kind, scope: 'object', targetId: input.objectId, level: input.level });
    refresh();
  },
);
