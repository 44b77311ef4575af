// Apps, resources and workflows as named objects in folders: create, rename, move, delete, and
// the folders themselves. Every change checks can() and is audited in its transaction.
import { and, count, eq } from 'drizzle-orm';
import { folders, objects, permissionGrants } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import type { ObjectKind } from '@/lib/authz/levels';
import { AppError } from '@/lib/errors';
import { actorUserId, isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import type { CreateObjectInput } from './inputs';
import { KIND_LABEL, findFolder, findObject } from './lookup';

const VERB = { app: 'APP', resource: 'RESOURCE', workflow: 'WORKFLOW' } as const;

function nameTaken(kind: ObjectKind) {
  return AppError.field('name', `There is already a ${KIND_LABEL[kind].one} with that name.`, 'conflict');
}

/** Creates an object at the top level (needs Edit on the whole kind) or in a folder (Edit on the folder). */
export async function createObject(ctx: MutationCtx, input: CreateObjectInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  if (input.folderId) {
    const folder = await findFolder(orgId, input.kind, input.folderId, ctx.tx);
    await authorize(ctx, 'create_item', { kind: 'folder', objectKind: input.kind, id: folder.id });
  } else {
    await authorize(ctx, 'create', { kind: 'all', objectKind: input.kind });
  }
  let row: { id: string } | undefined;
  try {
    [row] = await ctx.tx
      .insert(objects)
      .values({ organizationId: orgId, kind: input.kind, name: input.name, folderId: input.folderId, createdBy: actorUserId(ctx.actor) })
      .returning({ id: objects.id });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.kind);
    throw e;
  }
  await record(ctx, {
    actionType: `CREATE_${VERB[input.kind]}`,
    metadata: { objectId: row!.id, name: input.name, folderId: input.folderId },
  });
  return row!;
}

export async function renameObject(ctx: MutationCtx, input: { kind: ObjectKind; objectId: string; name: string }): Promise<void> {
  const orgId = orgOf(ctx);
  const object = await findObject(orgId, input.kind, input.objectId, ctx.tx);
  await authorize(ctx, 'rename', { kind: object.kind, id: object.id, folderId: object.folderId });
  try {
    await ctx.tx.update(objects).set({ name: input.name, updatedAt: new Date() }).where(eq(objects.id, object.id));
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.kind);
    throw e;
  }
  await record(ctx, {
    actionType: `RENAME_${VERB[input.kind]}`,
    metadata: { objectId: object.id, before: object.name, after: input.name },
  });
}

/** Moves an object: Own on the object, and Edit where it goes (the folder, or the whole kind for the top level). */
export async function moveToFolder(
  ctx: MutationCtx,
  input: { kind: ObjectKind; objectId: string; folderId: string | null },
): Promise<void> {
  const orgId = orgOf(ctx);
  const object = await findObject(orgId, input.kind, input.objectId, ctx.tx);
  await authorize(ctx, 'move', { kind: object.kind, id: object.id, folderId: object.folderId });
  if (object.folderId === input.folderId) throw new AppError('conflict', `The ${KIND_LABEL[input.kind].one} is already there.`);
  if (input.folderId) {
    const folder = await findFolder(orgId, input.kind, input.folderId, ctx.tx);
    await authorize(ctx, 'create_item', { kind: 'folder', objectKind: input.kind, id: folder.id });
  } else {
    await authorize(ctx, 'create', { kind: 'all', objectKind: input.kind });
  }
  await ctx.tx.update(objects).set({ folderId: input.folderId, updatedAt: new Date() }).where(eq(objects.id, object.id));
  await record(ctx, {
    actionType: 'MOVE_TO_FOLDER',
    metadata: {
      objectId: object.id,
      objectKind: object.kind,
      name: object.name,
      fromFolderId: object.folderId,
      toFolderId: input.folderId,
    },
  });
}

export async function deleteObject(ctx: MutationCtx, input: { kind: ObjectKind; objectId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  const object = await findObject(orgId, input.kind, input.objectId, ctx.tx);
  await authorize(ctx, 'delete', { kind: object.kind, id: object.id, folderId: object.folderId });
  const removed = await ctx.tx
    .delete(permissionGrants)
    .where(and(eq(permissionGrants.organizationId, orgId), eq(permissionGrants.scope, 'object'), eq(permissionGrants.targetId, object.id)))
    .returning({ id: permissionGrants.id });
  await ctx.tx.delete(objects).where(eq(objects.id, object.id));
  await record(ctx, {
    actionType: `DELETE_${VERB[input.kind]}`,
    metadata: { objectId: object.id, name: object.name, grantsRemoved: removed.length },
  });
}

/** Folders are created by those who own the whole kind (admins, unless granted). */
export async function createFolder(ctx: MutationCtx, input: { kind: ObjectKind; name: string }): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'create_folder', { kind: 'all', objectKind: input.kind });
  let row: { id: string } | undefined;
  try {
    [row] = await ctx.tx
      .insert(folders)
      .values({ organizationId: orgId, objectKind: input.kind, name: input.name })
      .returning({ id: folders.id });
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('name', 'There is already a folder with that name.', 'conflict');
    throw e;
  }
  await record(ctx, { actionType: 'CREATE_FOLDER', metadata: { folderId: row!.id, objectKind: input.kind, name: input.name } });
  return row!;
}

export async function renameFolder(ctx: MutationCtx, input: { kind: ObjectKind; folderId: string; name: string }): Promise<void> {
  const orgId = orgOf(ctx);
  const folder = await findFolder(orgId, input.kind, input.folderId, ctx.tx);
  await authorize(ctx, 'rename', { kind: 'folder', objectKind: folder.objectKind, id: folder.id });
  try {
    await ctx.tx.update(folders).set({ name: input.name, updatedAt: new Date() }).where(eq(folders.id, folder.id));
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('name', 'There is already a folder with that name.', 'conflict');
    throw e;
  }
  await record(ctx, {
    actionType: 'RENAME_FOLDER',
    metadata: { folderId: folder.id, objectKind: folder.objectKind, before: folder.name, after: input.name },
  });
}

/** Deletes an empty folder and the grants on it. */
export async function deleteFolder(ctx: MutationCtx, input: { kind: ObjectKind; folderId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  const folder = await findFolder(orgId, input.kind, input.folderId, ctx.tx);
  await authorize(ctx, 'delete', { kind: 'folder', objectKind: folder.objectKind, id: folder.id });
  const [inside] = await ctx.tx.select({ n: count() }).from(objects).where(eq(objects.folderId, folder.id));
  if ((inside?.n ?? 0) > 0)
    throw new AppError(
      'conflict',
      `The folder is not empty: it holds ${inside!.n} ${KIND_LABEL[folder.objectKind].many}. Move them out first.`,
    );
  const removed = await ctx.tx
    .delete(permissionGrants)
    .where(and(eq(permissionGrants.organizationId, orgId), eq(permissionGrants.scope, 'folder'), eq(permissionGrants.targetId, folder.id)))
    .returning({ id: permissionGrants.id });
  await ctx.tx.delete(folders).where(eq(folders.id, folder.id));
  await record(ctx, {
    actionType: 'DELETE_FOLDER',
    metadata: { folderId: folder.id, objectKind: folder.objectKind, name: folder.name, grantsRemoved: removed.length },
  });
}
