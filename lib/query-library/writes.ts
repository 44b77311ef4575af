// Query library writes: create, edit (a new version when the query itself changes) and delete.
// Each needs "query library: edit" on one of the user's groups and Use on the query's resource,
// and is audited in its transaction.
import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { libraryQueries, libraryQueryVersions } from '@/db/schema';
import { queryBodyProblems, queryBodySchema, type QueryBody } from '@/lib/apps/definition';
import { canonicalJson } from '@/lib/audit/canonical-json';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError, type FieldErrors } from '@/lib/errors';
import { findObject } from '@/lib/objects/lookup';
import { actorUserId, isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import type { CreateLibraryQueryInput, UpdateLibraryQueryInput } from './inputs';

const NAME_TAKEN = () => AppError.field('name', 'There is already a library query with that name.', 'conflict');

/** The form's flat fields as a query body, checked like an app's query; problems name the form field. */
export function libraryQueryBody(input: CreateLibraryQueryInput): QueryBody {
  const fieldErrors: FieldErrors = {};
  const add = (field: string, message: string) => (fieldErrors[field] ??= []).push(message);
  const disableLoggingFor = (
    Array.isArray(input.disableLoggingFor) ? input.disableLoggingFor : input.disableLoggingFor.split(/[\s,]+/)
  ).filter(Boolean);
  const params: { name: string; value: string }[] = [];
  input.params.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    if (eq < 1) add('params', `Line ${i + 1}: write name=value.`);
    else params.push({ name: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  });
  const raw =
    input.type === 'sql'
      ? { type: 'sql', sql: input.sql, disableLoggingFor }
      : {
          type: 'rest',
          method: input.method,
          path: input.path,
          params,
          ...(input.body.trim() ? { body: input.body } : {}),
          disableLoggingFor,
        };
  const parsed = queryBodySchema.safeParse(raw);
  if (parsed.success) for (const p of queryBodyProblems(parsed.data)) add(String(p.path[0]), p.message);
  else for (const i of parsed.error.issues) add(String(i.path[0] ?? 'type'), i.message);
  if (Object.keys(fieldErrors).length || !parsed.success) {
    const [field, [message] = []] = Object.entries(fieldErrors)[0]!;
    throw new AppError('invalid_input', `${field}: ${message}`, { fieldErrors });
  }
  return parsed.data;
}

/** The resource (of this organization, else a field error) on which the editor has Use. */
async function usableResource(ctx: MutationCtx, orgId: string, resourceId: string) {
  const resource = await findObject(orgId, 'resource', resourceId, ctx.tx).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'not_found') throw AppError.field('resourceId', 'Choose a resource of this organization.');
    throw e;
  });
  await authorize(ctx, 'use', { kind: 'resource', id: resource.id, folderId: resource.folderId });
  return resource;
}

export async function createLibraryQuery(ctx: MutationCtx, input: CreateLibraryQueryInput): Promise<{ id: string; version: number }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'edit', { kind: 'org', area: 'query_library' });
  const body = libraryQueryBody(input);
  const resource = await usableResource(ctx, orgId, input.resourceId);
  const createdBy = actorUserId(ctx.actor);
  let row: { id: string } | undefined;
  try {
    [row] = await ctx.tx
      .insert(libraryQueries)
      .values({ organizationId: orgId, name: input.name, description: input.description, createdBy })
      .returning({ id: libraryQueries.id });
  } catch (e) {
    if (isUniqueViolation(e)) throw NAME_TAKEN();
    throw e;
  }
  await ctx.tx.insert(libraryQueryVersions).values({
    organizationId: orgId,
    libraryQueryId: row!.id,
    version: 1,
    resourceId: resource.id,
    body: body as unknown as Record<string, unknown>,
    createdBy,
  });
  await record(ctx, {
    actionType: 'CREATE_LIBRARY_QUERY',
    metadata: { libraryQueryId: row!.id, name: input.name, version: 1, resourceId: resource.id, type: body.type },
  });
  return { id: row!.id, version: 1 };
}

async function lockedLibraryQuery(ctx: MutationCtx, orgId: string, id: string) {
  if (!z.uuid().safeParse(id).success) throw new AppError('not_found', 'No such library query.');
  const [row] = await ctx.tx
    .select()
    .from(libraryQueries)
    .where(and(eq(libraryQueries.id, id), eq(libraryQueries.organizationId, orgId)))
    .for('update');
  if (!row) throw new AppError('not_found', 'No such library query.');
  return row;
}

/**
 * Saves changes. A changed body or resource becomes the next version (apps pinned to earlier
 * versions keep running those); a new name or description changes no version.
 */
export async function updateLibraryQuery(
  ctx: MutationCtx,
  input: UpdateLibraryQueryInput,
): Promise<{ version: number; changed: string[] }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'edit', { kind: 'org', area: 'query_library' });
  const row = await lockedLibraryQuery(ctx, orgId, input.libraryQueryId);
  const body = libraryQueryBody(input);
  const resource = await usableResource(ctx, orgId, input.resourceId);
  const [latest] = await ctx.tx
    .select({ resourceId: libraryQueryVersions.resourceId, body: libraryQueryVersions.body })
    .from(libraryQueryVersions)
    .where(and(eq(libraryQueryVersions.libraryQueryId, row.id), eq(libraryQueryVersions.version, row.latestVersion)));
  const changed = [
    ...(input.name !== row.name ? ['name'] : []),
    ...(input.description !== row.description ? ['description'] : []),
    ...(latest?.resourceId !== resource.id ? ['resourceId'] : []),
    ...(!latest || canonicalJson(latest.body) !== canonicalJson(body) ? ['query'] : []),
  ];
  if (changed.length === 0) throw new AppError('conflict', 'Nothing changed.');
  const newVersion = changed.includes('query') || changed.includes('resourceId');
  const version = newVersion ? row.latestVersion + 1 : row.latestVersion;
  if (newVersion) {
    await ctx.tx.insert(libraryQueryVersions).values({
      organizationId: orgId,
      libraryQueryId: row.id,
      version,
      resourceId: resource.id,
      body: body as unknown as Record<string, unknown>,
      createdBy: actorUserId(ctx.actor),
    });
  }
  try {
    await ctx.tx
      .update(libraryQueries)
      .set({ name: input.name, description: input.description, latestVersion: version, updatedAt: new Date() })
      .where(eq(libraryQueries.id, row.id));
  } catch (e) {
    if (isUniqueViolation(e)) throw NAME_TAKEN();
    throw e;
  }
  await record(ctx, {
    actionType: 'UPDATE_LIBRARY_QUERY',
    metadata: { libraryQueryId: row.id, name: input.name, before: row.name, version, changed },
  });
  return { version, changed };
}

/** Deletes a library query and its versions; apps that pinned one get a clear error when they run it. */
export async function deleteLibraryQuery(ctx: MutationCtx, input: { libraryQueryId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'edit', { kind: 'org', area: 'query_library' });
  const row = await lockedLibraryQuery(ctx, orgId, input.libraryQueryId);
  const [versions] = await ctx.tx.select({ n: count() }).from(libraryQueryVersions).where(eq(libraryQueryVersions.libraryQueryId, row.id));
  await ctx.tx.delete(libraryQueries).where(eq(libraryQueries.id, row.id));
  await record(ctx, {
    actionType: 'DELETE_LIBRARY_QUERY',
    metadata: { libraryQueryId: row.id, name: row.name, versions: versions?.n ?? 0 },
  });
}
