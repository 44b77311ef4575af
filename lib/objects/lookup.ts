// Organization-scoped lookups: an id from another organization is simply not found.
import { and, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { folders, objects } from '@/db/schema';
import type { ObjectKind } from '@/lib/authz/levels';
import { AppError } from '@/lib/errors';

export const KIND_LABEL: Record<ObjectKind, { one: string; many: string }> = {
  app: { one: 'app', many: 'apps' },
  resource: { one: 'resource', many: 'resources' },
  workflow: { one: 'workflow', many: 'workflows' },
};

export async function findObject(orgId: string, kind: ObjectKind, id: string, db: DbOrTx) {
  const [row] = await db
    .select()
    .from(objects)
    .where(and(eq(objects.id, id), eq(objects.organizationId, orgId), eq(objects.kind, kind)));
  if (!row) throw new AppError('not_found', `No such ${KIND_LABEL[kind].one}.`);
  return row;
}

export async function findFolder(orgId: string, kind: ObjectKind, id: string, db: DbOrTx) {
  const [row] = await db
    .select()
    .from(folders)
    .where(and(eq(folders.id, id), eq(folders.organizationId, orgId), eq(folders.objectKind, kind)));
  if (!row) throw new AppError('not_found', 'No such folder.');
  return row;
}

/** The id of the object of `kind` named `name` (any letter case: names are unique per kind that way), or null. */
export async function findObjectIdByName(orgId: string, kind: ObjectKind, name: string, db: DbOrTx = getDb()): Promise<string | null> {
  const [row] = await db
    .select({ id: objects.id })
    .from(objects)
    .where(and(eq(objects.organizationId, orgId), eq(objects.kind, kind), eq(sql`lower(${objects.name})`, name.trim().toLowerCase())));
  return row?.id ?? null;
}

/** The id of the folder of `kind` named `name` (any letter case), or null. */
export async function findFolderIdByName(orgId: string, kind: ObjectKind, name: string, db: DbOrTx = getDb()): Promise<string | null> {
  const [row] = await db
    .select({ id: folders.id })
    .from(folders)
    .where(
      and(eq(folders.organizationId, orgId), eq(folders.objectKind, kind), eq(sql`lower(${folders.name})`, name.trim().toLowerCase())),
    );
  return row?.id ?? null;
}
