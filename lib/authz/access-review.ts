// Access review: who can use, edit or own each app, resource and workflow, and through which
// group. Computed with the same effectiveLevel() that can() uses, from one read of the grants.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { folders, groupMembers, objects, permissionGrants, permissionGroups, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { objectWithFolderColumns } from '@/lib/objects/reads';
import { can, effectiveLevel, type Snapshot } from './can';
import { loadSnapshot } from './snapshot';

export type AccessReviewRow = { kind: string; object: string; folder: string; email: string; level: string; via: string };

/** The review for `userId`'s organization; admins only. */
export async function accessReviewFor(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<AsyncGenerator<AccessReviewRow>> {
  const decision = can(await loadSnapshot(orgId, userId, db), 'manage', { kind: 'org', area: 'users' });
  if (!decision.allowed) throw new AppError('forbidden', 'Only admins can export the access review.');
  return accessReview(orgId, db);
}

export async function* accessReview(orgId: string, db: DbOrTx = getDb()): AsyncGenerator<AccessReviewRow> {
  const [groups, members, grants, people, items] = await Promise.all([
    db
      .select({
        id: permissionGroups.id,
        name: permissionGroups.name,
        builtin: permissionGroups.builtin,
        queryLibrary: permissionGroups.queryLibraryAccess,
        auditLog: permissionGroups.auditLogAccess,
      })
      .from(permissionGroups)
      .where(eq(permissionGroups.organizationId, orgId)),
    db
      .select({ groupId: groupMembers.groupId, userId: groupMembers.userId, isGroupAdmin: groupMembers.isGroupAdmin })
      .from(groupMembers)
      .where(eq(groupMembers.organizationId, orgId)),
    db
      .select({
        id: permissionGrants.id,
        groupId: permissionGrants.groupId,
        objectKind: permissionGrants.objectKind,
        scope: permissionGrants.scope,
        targetId: permissionGrants.targetId,
        level: permissionGrants.level,
        environmentId: permissionGrants.environmentId,
      })
      .from(permissionGrants)
      .where(eq(permissionGrants.organizationId, orgId)),
    db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.organizationId, orgId), isNull(users.disabledAt)))
      .orderBy(asc(users.email)),
    db
      .select(objectWithFolderColumns)
      .from(objects)
      .leftJoin(folders, eq(folders.id, objects.folderId))
      .where(eq(objects.organizationId, orgId))
      .orderBy(asc(objects.kind), asc(objects.name)),
  ]);
  const everyone = groups.filter((g) => g.builtin === 'all_users');
  const snapshots: [string, Snapshot][] = people.map((u) => {
    const mine = members.filter((m) => m.userId === u.id);
    const userGroups = [
      ...everyone.map((g) => ({ ...g, isGroupAdmin: false })),
      ...groups
        .filter((g) => mine.some((m) => m.groupId === g.id))
        .map((g) => ({ ...g, isGroupAdmin: mine.find((m) => m.groupId === g.id)!.isGroupAdmin })),
    ];
    const ids = new Set(userGroups.map((g) => g.id));
    return [u.email, { orgId, userId: u.id, groups: userGroups, grants: grants.filter((g) => ids.has(g.groupId)) }];
  });
  for (const item of items) {
    for (const [email, snapshot] of snapshots) {
      const { level, because } = effectiveLevel(snapshot, item.kind, item);
      if (!level) continue;
      const via = because.kind === 'admin' || because.kind === 'grant' ? because.group.name : '';
      yield { kind: item.kind, object: item.name, folder: item.folderName ?? '', email, level, via };
    }
  }
}
