// App definitions: save the draft (Edit on the app, Use on every resource its queries name) and
// release it as the next numbered version (viewers get the newest release).
import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { appDrafts, appReleases, objects } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { findObject } from '@/lib/objects/lookup';
import { actorUserId, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { findLibraryQueryVersion } from '@/lib/query-library/reads';
import { parseAppDefinition } from './definition';

async function findApp(ctx: MutationCtx, orgId: string, appId: string) {
  if (!z.uuid().safeParse(appId).success) throw new AppError('not_found', 'No such app.');
  return findObject(orgId, 'app', appId, ctx.tx);
}

/**
 * Validates and stores an app's draft. The editor needs Edit on the app and Use on each resource
 * a query names (a resource of another organization is not found).
 */
export async function saveAppDraft(ctx: MutationCtx, input: { appId: string; definition: unknown }): Promise<{ created: boolean }> {
  const orgId = orgOf(ctx);
  const app = await findApp(ctx, orgId, input.appId);
  await authorize(ctx, 'edit', { kind: 'app', id: app.id, folderId: app.folderId });
  const definition = parseAppDefinition(input.definition);
  // A query library reference runs its pinned version's resource: the editor may read the
  // library and use that resource, as if the query were written here.
  const queryResources = new Map<number, string>();
  for (const [i, q] of definition.queries.entries()) {
    if (q.type !== 'library') {
      queryResources.set(i, q.resourceId);
      continue;
    }
    await authorize(ctx, 'view', { kind: 'org', area: 'query_library' });
    const found = await findLibraryQueryVersion(orgId, q.libraryQueryId, q.version, ctx.tx);
    if (!found) throw AppError.field(`queries[${i}].version`, `Query "${q.name}" names a library query version that does not exist.`);
    queryResources.set(i, found.resourceId);
  }
  const resourceIds = [...new Set(queryResources.values())];
  const found = resourceIds.length
    ? await ctx.tx
        .select({ id: objects.id, folderId: objects.folderId })
        .from(objects)
        .where(and(eq(objects.organizationId, orgId), eq(objects.kind, 'resource'), inArray(objects.id, resourceIds)))
    : [];
  for (const [i, q] of definition.queries.entries()) {
    const resource = found.find((r) => r.id === queryResources.get(i));
    if (!resource) throw AppError.field(`queries[${i}].resourceId`, `Query "${q.name}" names a resource that does not exist.`);
  }
  for (const r of found) await authorize(ctx, 'use', { kind: 'resource', id: r.id, folderId: r.folderId });

  const [existing] = await ctx.tx.select({ appId: appDrafts.appId }).from(appDrafts).where(eq(appDrafts.appId, app.id));
  const values = { definition: definition as unknown as Record<string, unknown>, updatedBy: actorUserId(ctx.actor), updatedAt: new Date() };
  if (existing) await ctx.tx.update(appDrafts).set(values).where(eq(appDrafts.appId, app.id));
  else await ctx.tx.insert(appDrafts).values({ appId: app.id, organizationId: orgId, ...values });
  await record(ctx, {
    actionType: 'APP_DRAFT_SAVED',
    metadata: { objectId: app.id, name: app.name, created: !existing, pages: definition.pages.length, queries: definition.queries.length },
  });
  return { created: !existing };
}

/** Releases the app's draft as the next version (Edit on the app). */
export async function releaseApp(ctx: MutationCtx, input: { appId: string }): Promise<{ id: string; version: number }> {
  const orgId = orgOf(ctx);
  const app = await findApp(ctx, orgId, input.appId);
  await authorize(ctx, 'release', { kind: 'app', id: app.id, folderId: app.folderId });
  // Lock the draft: two releases of one app at once take turns instead of colliding on the version.
  const [draft] = await ctx.tx.select().from(appDrafts).where(eq(appDrafts.appId, app.id)).for('update');
  if (!draft) throw new AppError('conflict', `${app.name} has no draft to release yet.`);
  const definition = parseAppDefinition(draft.definition);
  const [last] = await ctx.tx
    .select({ version: appReleases.version })
    .from(appReleases)
    .where(eq(appReleases.appId, app.id))
    .orderBy(desc(appReleases.version))
    .limit(1);
  const version = (last?.version ?? 0) + 1;
  const [release] = await ctx.tx
    .insert(appReleases)
    .values({
      organizationId: orgId,
      appId: app.id,
      version,
      definition: definition as unknown as Record<string, unknown>,
      releasedBy: actorUserId(ctx.actor),
    })
    .returning({ id: appReleases.id });
  await record(ctx, { actionType: 'APP_RELEASED', metadata: { objectId: app.id, name: app.name, releaseId: release!.id, version } });
  return { id: release!.id, version };
}
