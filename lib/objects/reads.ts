import { and, asc, eq, gt, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { environments, folders, objects, permissionGrants, permissionGroups } from '@/db/schema';
import { adminGroup, effectiveLevel, type Because, type Snapshot } from '@/lib/authz/can';
import type { Level, ObjectKind } from '@/lib/authz/levels';
import { containsPattern } from '@/lib/search';

export type VisibleObject = {
  id: string;
  kind: ObjectKind;
  name: string;
  folderId: string | null;
  folderName: string | null;
  level: Level;
  because: Because;
};

/** An object and its folder's name, for a select from `objects` left-joined to `folders` on `folderId`. */
export const objectWithFolderColumns = {
  id: objects.id,
  kind: objects.kind,
  name: objects.name,
  folderId: objects.folderId,
  folderName: folders.name,
};

/**
 * The SQL condition for objects of `kind` the snapshot grants at least Use on, or null when it
 * grants the whole kind (or the user is an admin). Derived from the same grants can() reads.
 */
export function visibilityFilter(s: Snapshot, kind: ObjectKind): SQL | null | 'none' {
  if (adminGroup(s)) return null;
  // Grants limited to one environment do not make an object visible (can() agrees: they count only there).
  const grants = s.grants.filter((g) => g.objectKind === kind && g.environmentId === null);
  if (grants.some((g) => g.scope === 'kind')) return null;
  const objectIds = grants.filter((g) => g.scope === 'object').map((g) => g.targetId!);
  const folderIds = grants.filter((g) => g.scope === 'folder').map((g) => g.targetId!);
  const parts = [
    objectIds.length ? inArray(objects.id, objectIds) : undefined,
    folderIds.length ? inArray(objects.folderId, folderIds) : undefined,
  ].filter((p): p is SQL => p !== undefined);
  if (parts.length === 0) return 'none';
  return parts.length === 1 ? parts[0]! : or(...parts)!;
}

export type ObjectPageCursor = { name: string; id: string };

/** One page of the objects the viewer may use, by name; `cursor` continues after the last one. */
export async function listVisibleObjects(
  s: Snapshot,
  kind: ObjectKind,
  opts: { q?: string; folderId?: string | null; limit?: number; cursor?: ObjectPageCursor } = {},
  db: DbOrTx = getDb(),
): Promise<{ items: VisibleObject[]; next: ObjectPageCursor | null }> {
  const filter = visibilityFilter(s, kind);
  if (filter === 'none') return { items: [], next: null };
  const limit = Math.min(opts.limit ?? 50, 200);
  const conditions = [
    eq(objects.organizationId, s.orgId),
    eq(objects.kind, kind),
    filter ?? undefined,
    opts.q ? ilike(objects.name, containsPattern(opts.q)) : undefined,
    opts.folderId !== undefined
      ? opts.folderId === null
        ? sql`${objects.folderId} is null`
        : eq(objects.folderId, opts.folderId)
      : undefined,
    opts.cursor
      ? or(
          gt(sql`lower(${objects.name})`, opts.cursor.name.toLowerCase()),
          and(eq(sql`lower(${objects.name})`, opts.cursor.name.toLowerCase()), gt(objects.id, opts.cursor.id)),
        )
      : undefined,
  ];
  const rows = await db
    .select(objectWithFolderColumns)
    .from(objects)
    .leftJoin(folders, eq(folders.id, objects.folderId))
    .where(and(...conditions))
    .orderBy(asc(sql`lower(${objects.name})`), asc(objects.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map((r) => {
    const { level, because } = effectiveLevel(s, kind, r);
    return { ...r, level: level!, because };
  });
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? { name: last.name, id: last.id } : null };
}

export type FolderSummary = { id: string; name: string; level: Level | null; items: number };

/** Folders of a kind with the viewer's level on each; folders they cannot see are left out. */
export async function listFolders(s: Snapshot, kind: ObjectKind, db: DbOrTx = getDb()): Promise<FolderSummary[]> {
  const rows = await db
    .select({
      id: folders.id,
      name: folders.name,
      items: sql<number>`(select count(*)::int from objects o where o.folder_id = folders.id)`,
    })
    .from(folders)
    .where(and(eq(folders.organizationId, s.orgId), eq(folders.objectKind, kind)))
    .orderBy(asc(sql`lower(${folders.name})`));
  return rows.map((f) => ({ ...f, level: effectiveLevel(s, kind, { folderId: f.id }).level })).filter((f) => f.level !== null);
}

/** Every folder and object of the organization, for admins' pickers (grants, homepages). */
export async function listAllTargets(orgId: string, db: DbOrTx = getDb()) {
  const [allFolders, allObjects] = await Promise.all([
    db
      .select({ id: folders.id, kind: folders.objectKind, name: folders.name })
      .from(folders)
      .where(eq(folders.organizationId, orgId))
      .orderBy(asc(folders.name)),
    db
      .select({ id: objects.id, kind: objects.kind, name: objects.name })
      .from(objects)
      .where(eq(objects.organizationId, orgId))
      .orderBy(asc(objects.name)),
  ]);
  return { folders: allFolders, objects: allObjects };
}

/** `environmentName`: the grant counts in that environment only. */
export type ObjectGrant = {
  id: string;
  groupId: string;
  groupName: string;
  scope: 'object' | 'folder' | 'kind';
  level: Level;
  environmentName: string | null;
};

/** Every grant that reaches one object: on it, on its folder, and on its whole kind. */
export async function listObjectGrants(
  orgId: string,
  object: { id: string; kind: ObjectKind; folderId: string | null },
  db: DbOrTx = getDb(),
): Promise<ObjectGrant[]> {
  return db
    .select({
      id: permissionGrants.id,
      groupId: permissionGrants.groupId,
      groupName: permissionGroups.name,
      scope: permissionGrants.scope,
      level: permissionGrants.level,
      environmentName: environments.name,
    })
    .from(permissionGrants)
    .innerJoin(permissionGroups, eq(permissionGroups.id, permissionGrants.groupId))
    .leftJoin(environments, eq(environments.id, permissionGrants.environmentId))
    .where(
      and(
        eq(permissionGrants.organizationId, orgId),
        eq(permissionGrants.objectKind, object.kind),
        or(
          and(eq(permissionGrants.scope, 'object'), eq(permissionGrants.targetId, object.id)),
          object.folderId ? and(eq(permissionGrants.scope, 'folder'), eq(permissionGrants.targetId, object.folderId)) : undefined,
          eq(permissionGrants.scope, 'kind'),
        ),
      ),
    )
    .orderBy(asc(permissionGroups.name));
}

/** One object with its folder name, or null when it is not in the organization. */
export async function getObject(orgId: string, kind: ObjectKind, id: string, db: DbOrTx = getDb()) {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  const [row] = await db
    .select({ ...objectWithFolderColumns, createdAt: objects.createdAt })
    .from(objects)
    .leftJoin(folders, eq(folders.id, objects.folderId))
    .where(and(eq(objects.id, id), eq(objects.organizationId, orgId), eq(objects.kind, kind)));
  return row ?? null;
}

/** The kind of objects a folder holds, or null when it is not the organization's. */
export async function folderKind(orgId: string, folderId: string, db: DbOrTx = getDb()): Promise<ObjectKind | null> {
  const [row] = await db
    .select({ kind: folders.objectKind })
    .from(folders)
    .where(and(eq(folders.id, folderId), eq(folders.organizationId, orgId)));
  return row?.kind ?? null;
}
