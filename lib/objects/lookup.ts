// Organization-scoped lookups: an id from another organization is simply not found.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db';
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
