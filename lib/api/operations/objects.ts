import { z } from 'zod';
import { can } from '@/lib/authz/can';
import { OBJECT_KINDS, type ObjectKind } from '@/lib/authz/levels';
import { AppError } from '@/lib/errors';
import { folderKind, getObject, listFolders, listVisibleObjects } from '@/lib/objects/reads';
import { createFolder, deleteFolder, renameFolder } from '@/lib/objects/writes';
import { idParam, operation } from '../operation';
import { cursorPage, cursorParam, empty, encodeCursor, folderDto, limitParam, objectDto } from '../schemas';
import { found } from './helpers';

const kindQuery = z.enum(OBJECT_KINDS).default('app');

const kindOf = async (orgId: string, folderId: string): Promise<ObjectKind> => found(await folderKind(orgId, folderId), 'folder');

export const listFoldersOp = operation({
  id: 'listFolders',
  method: 'GET',
  path: '/folders',
  tag: 'Folders',
  summary: 'List the folders of a kind the token’s user can see',
  scope: 'folders:read',
  query: z.object({ kind: kindQuery }),
  response: z.object({ data: z.array(folderDto) }),
  async handler(ctx, { query }) {
    return { data: (await listFolders(await ctx.snapshot(), query.kind)).map((f) => ({ ...f, kind: query.kind })) };
  },
});

export const createFolderOp = operation({
  id: 'createFolder',
  method: 'POST',
  path: '/folders',
  tag: 'Folders',
  summary: 'Create a folder',
  scope: 'folders:write',
  status: 201,
  body: z.object({ kind: z.enum(OBJECT_KINDS), name: z.string().trim().min(1).max(120) }),
  response: folderDto,
  async handler(ctx, { body }) {
    const { id } = await ctx.mutate((m) => createFolder(m, body));
    return { id, kind: body.kind, name: body.name, items: 0, level: 'own' as const };
  },
});

export const renameFolderOp = operation({
  id: 'renameFolder',
  method: 'PATCH',
  path: '/folders/{folderId}',
  tag: 'Folders',
  summary: 'Rename a folder',
  scope: 'folders:write',
  params: idParam('folderId'),
  body: z.object({ name: z.string().trim().min(1).max(120) }),
  response: folderDto,
  async handler(ctx, { params, body }) {
    const kind = await kindOf(ctx.orgId, params.folderId);
    await ctx.mutate((m) => renameFolder(m, { kind, folderId: params.folderId, name: body.name }));
    const folder = found(
      (await listFolders(await ctx.snapshot(), kind)).find((f) => f.id === params.folderId),
      'folder',
    );
    return { ...folder, kind };
  },
});

export const deleteFolderOp = operation({
  id: 'deleteFolder',
  method: 'DELETE',
  path: '/folders/{folderId}',
  tag: 'Folders',
  summary: 'Delete an empty folder',
  scope: 'folders:write',
  status: 204,
  params: idParam('folderId'),
  response: empty,
  async handler(ctx, { params }) {
    const kind = await kindOf(ctx.orgId, params.folderId);
    await ctx.mutate((m) => deleteFolder(m, { kind, folderId: params.folderId }));
    return null;
  },
});

function objectOperations(kind: Extract<ObjectKind, 'app' | 'resource'>, plural: string, tag: string) {
  const list = operation({
    id: `list${tag}`,
    method: 'GET',
    path: `/${plural}`,
    tag,
    summary: `List the ${plural} the token’s user may use, by name`,
    scope: `${plural}:read` as 'apps:read' | 'resources:read',
    query: z.object({
      q: z.string().max(200).optional(),
      limit: limitParam,
      cursor: cursorParam(z.object({ name: z.string(), id: z.uuid() })).optional(),
    }),
    response: cursorPage(objectDto),
    async handler(ctx, { query }) {
      const page = await listVisibleObjects(await ctx.snapshot(), kind, { q: query.q, limit: query.limit, cursor: query.cursor });
      return { data: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  });
  const get = operation({
    id: `get${tag.slice(0, -1)}`,
    method: 'GET',
    path: `/${plural}/{id}`,
    tag,
    summary: `Get one ${kind}’s metadata (never secrets)`,
    scope: `${plural}:read` as 'apps:read' | 'resources:read',
    params: idParam('id'),
    response: objectDto,
    async handler(ctx, { params }) {
      const object = found(await getObject(ctx.orgId, kind, params.id), kind);
      const decision = can(await ctx.snapshot(), 'view', { kind, id: object.id, folderId: object.folderId });
      if (!decision.allowed) throw new AppError('forbidden', `No access to this ${kind}.`);
      return { ...object, level: decision.level! };
    },
  });
  return { list, get };
}

export const apps = objectOperations('app', 'apps', 'Apps');
export const resources = objectOperations('resource', 'resources', 'Resources');
