// Workspaces: a group's homepage app. Users without Edit on any app land there after signing in;
// a user in several such groups picks one (stored on the user).
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { objects, permissionGroups, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { canEditAnyApp, type Snapshot } from '@/lib/authz/can';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { AppError } from '@/lib/errors';
import type { MutationCtx } from '@/lib/server/mutation';

export type WorkspaceOption = { groupId: string; groupName: string; appId: string; appName: string; chosen: boolean };

export async function workspaceOptions(s: Snapshot, db: DbOrTx = getDb()): Promise<WorkspaceOption[]> {
  const groupIds = s.groups.map((g) => g.id);
  if (groupIds.length === 0) return [];
  const [rows, [user]] = await Promise.all([
    db
      .select({ groupId: permissionGroups.id, groupName: permissionGroups.name, appId: objects.id, appName: objects.name })
      .from(permissionGroups)
      .innerJoin(objects, eq(objects.id, permissionGroups.homepageAppId))
      .where(
        and(
          eq(permissionGroups.organizationId, s.orgId),
          inArray(permissionGroups.id, groupIds),
          isNotNull(permissionGroups.homepageAppId),
        ),
      )
      .orderBy(permissionGroups.name),
    db.select({ workspaceGroupId: users.workspaceGroupId }).from(users).where(eq(users.id, s.userId)),
  ]);
  const preferred = rows.some((r) => r.groupId === user?.workspaceGroupId) ? user?.workspaceGroupId : rows[0]?.groupId;
  return rows.map((r) => ({ ...r, chosen: r.groupId === preferred }));
}

/** Where the user lands after signing in: their workspace app, unless they may edit apps. */
export async function landingApp(s: Snapshot, db: DbOrTx = getDb()): Promise<string | null> {
  if (canEditAnyApp(s)) return null;
  return (await workspaceOptions(s, db)).find((o) => o.chosen)?.appId ?? null;
}

export async function setWorkspace(ctx: MutationCtx, input: { groupId: string }): Promise<void> {
  if (ctx.actor.kind !== 'user' || !ctx.orgId) throw new AppError('unauthenticated', 'Sign in first.');
  const snapshot = (ctx.snapshot ??= await loadSnapshot(ctx.orgId, ctx.actor.userId, ctx.tx));
  const option = (await workspaceOptions(snapshot, ctx.tx)).find((o) => o.groupId === input.groupId);
  if (!option) throw new AppError('not_found', 'None of your groups has that workspace.');
  await ctx.tx.update(users).set({ workspaceGroupId: option.groupId, updatedAt: new Date() }).where(eq(users.id, ctx.actor.userId));
  await record(ctx, {
    actionType: 'SET_WORKSPACE',
    metadata: { groupId: option.groupId, groupName: option.groupName, homepageAppId: option.appId },
  });
}
