// Apps move between organizations and instances (decision 0030): exportApp writes an app's draft
// (and, when asked, its releases) as a document that names resources instead of identifying them
// and carries library queries as plain queries; importApp maps each resource name to a resource of
// the importing organization, reports every one it cannot map before writing anything, and creates
// the app (or a new draft of an existing one) and its releases in the caller's transaction.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appDrafts, appReleases, objects, resourceConfigs, type ResourceType } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError, isAppError } from '@/lib/errors';
import { checkbox, optionalId } from '@/lib/forms';
import { findFolder, findObject } from '@/lib/objects/lookup';
import { createObject } from '@/lib/objects/writes';
import { findLibraryQueryVersion } from '@/lib/query-library/reads';
import { actorUserId, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { parseStoredDefinition } from './definition';
import {
  APP_DOCUMENT_FORMAT,
  APP_DOCUMENT_VERSION,
  bindResources,
  parseAppDocument,
  type AppDocument,
  type ExportedAppDocument,
  type ResourceKind,
  type TransferDefinition,
} from './transfer-format';
import { releaseApp, saveAppDraft } from './writes';

const KIND_OF_TYPE: Record<ResourceType, Exclude<ResourceKind, null>> = { postgres: 'sql', sample: 'sql', rest: 'rest' };
const KIND_LABEL = { sql: 'a SQL database', rest: 'a REST API' } as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function findApp(ctx: MutationCtx, orgId: string, appId: string) {
  if (!z.uuid().safeParse(appId).success) throw new AppError('not_found', 'No such app.');
  return findObject(orgId, 'app', appId, ctx.tx);
}

/** What each resource is, from its configuration (every environment of a resource has the same type); absent when it has none. */
async function resourceKinds(ctx: MutationCtx, orgId: string, ids: string[]): Promise<Map<string, Exclude<ResourceKind, null>>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.tx
    .selectDistinct({ resourceId: resourceConfigs.resourceId, type: resourceConfigs.type })
    .from(resourceConfigs)
    .where(and(eq(resourceConfigs.organizationId, orgId), inArray(resourceConfigs.resourceId, ids)));
  return new Map(rows.map((r) => [r.resourceId, KIND_OF_TYPE[r.type]]));
}

export type ExportAppInput = { appId: string; releases?: boolean };

/**
 * The app as an export document: its draft, and every release when `releases` is set. Needs Own on
 * the app, and query-library access when a query is a library reference (its text is written out).
 * The document holds no id, secret or resource configuration: resources appear by name and kind.
 * Recorded as EXPORT_APP.
 */
export async function exportApp(ctx: MutationCtx, input: ExportAppInput): Promise<ExportedAppDocument> {
  const orgId = orgOf(ctx);
  const app = await findApp(ctx, orgId, input.appId);
  await authorize(ctx, 'export', { kind: 'app', id: app.id, folderId: app.folderId });
  const [draft] = await ctx.tx
    .select({ definition: appDrafts.definition })
    .from(appDrafts)
    .where(and(eq(appDrafts.appId, app.id), eq(appDrafts.organizationId, orgId)));
  if (!draft) throw new AppError('conflict', `${app.name} has nothing to export yet: save a draft in the editor first.`);
  const releases = input.releases
    ? await ctx.tx
        .select({ version: appReleases.version, definition: appReleases.definition, releasedAt: appReleases.createdAt })
        .from(appReleases)
        .where(and(eq(appReleases.appId, app.id), eq(appReleases.organizationId, orgId)))
        .orderBy(asc(appReleases.version))
    : [];
  const sources = [
    { label: 'the draft', definition: draft.definition },
    ...releases.map((r) => ({ label: `release ${r.version}`, definition: r.definition })),
  ];
  const queriesOf = (definition: Record<string, unknown>) => (Array.isArray(definition.queries) ? definition.queries.filter(isRecord) : []);

  // Library references are written out as the pinned version's query, as they run.
  const libraries = new Map<string, NonNullable<Awaited<ReturnType<typeof findLibraryQueryVersion>>>>();
  const libraryKey = (q: Record<string, unknown>) => `${String(q.libraryQueryId)}@${String(q.version)}`;
  for (const { label, definition } of sources)
    for (const q of queriesOf(definition)) {
      if (q.type !== 'library' || libraries.has(libraryKey(q))) continue;
      if (libraries.size === 0) await authorize(ctx, 'view', { kind: 'org', area: 'query_library' });
      const found =
        typeof q.libraryQueryId === 'string' && z.uuid().safeParse(q.libraryQueryId).success && typeof q.version === 'number'
          ? await findLibraryQueryVersion(orgId, q.libraryQueryId, q.version, ctx.tx)
          : null;
      if (!found)
        throw new AppError(
          'conflict',
          `Query "${String(q.name)}" of ${label} uses a library query version that no longer exists, so it cannot be exported.`,
        );
      libraries.set(libraryKey(q), found);
    }

  const resourceIdOf = (q: Record<string, unknown>) =>
    q.type === 'library' ? libraries.get(libraryKey(q))!.resourceId : typeof q.resourceId === 'string' ? q.resourceId : null;
  const ids = [
    ...new Set(sources.flatMap((s) => queriesOf(s.definition).map(resourceIdOf)).filter((id): id is string => id !== null)),
  ].filter((id) => z.uuid().safeParse(id).success);
  const named = ids.length
    ? await ctx.tx
        .select({ id: objects.id, name: objects.name })
        .from(objects)
        .where(and(eq(objects.organizationId, orgId), eq(objects.kind, 'resource'), inArray(objects.id, ids)))
    : [];
  const nameById = new Map(named.map((r) => [r.id, r.name]));
  const kinds = await resourceKinds(
    ctx,
    orgId,
    named.map((r) => r.id),
  );
  const queryKinds = new Map<string, Set<'sql' | 'rest'>>();

  const writeOut = ({ label, definition }: (typeof sources)[number]): Record<string, unknown> => ({
    ...definition,
    queries: (Array.isArray(definition.queries) ? definition.queries : []).map((q: unknown) => {
      if (!isRecord(q)) return q;
      const resourceId = resourceIdOf(q);
      const resource = resourceId === null ? undefined : nameById.get(resourceId);
      if (resource === undefined)
        throw new AppError(
          'conflict',
          `Query "${String(q.name)}" of ${label} names a resource that no longer exists. Choose another in the editor before exporting.`,
        );
      if (q.type === 'library') {
        const library = libraries.get(libraryKey(q))!;
        const { type, ...body } = library.body;
        (queryKinds.get(resourceId!) ?? queryKinds.set(resourceId!, new Set()).get(resourceId!)!).add(type);
        return { type, name: q.name, resource, ...body, library: { name: library.name, version: q.version } };
      }
      const { type, name, resourceId: _id, ...rest } = q;
      if (type === 'sql' || type === 'rest')
        (queryKinds.get(resourceId!) ?? queryKinds.set(resourceId!, new Set()).get(resourceId!)!).add(type);
      return { type, name, resource, ...rest };
    }),
  });
  const [definition, ...released] = sources.map(writeOut);

  // A resource's kind is its configuration's; an unconfigured one takes its queries' kind when they agree.
  const resources = named
    .map((r) => {
      const asked = [...(queryKinds.get(r.id) ?? [])];
      return { name: r.name, type: kinds.get(r.id) ?? (asked.length === 1 ? asked[0]! : null) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  await record(ctx, {
    actionType: 'EXPORT_APP',
    metadata: {
      objectId: app.id,
      name: app.name,
      releases: releases.length,
      resources: resources.map((r) => r.name),
      libraryQueries: libraries.size,
    },
  });
  return {
    format: APP_DOCUMENT_FORMAT,
    version: APP_DOCUMENT_VERSION,
    exportedAt: new Date().toISOString(),
    app: { name: app.name },
    definition: definition!,
    ...(input.releases
      ? { releases: releases.map((r, i) => ({ version: r.version, releasedAt: r.releasedAt.toISOString(), definition: released[i]! })) }
      : {}),
    resources,
  };
}

/** Import options as the dashboard's form sends them (the API and the CLI build the same object). */
export const importAppInput = z.object({
  document: z.string().max(5_000_000, 'The document is larger than 5 MB.'),
  name: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(120, 'Use at most 120 characters.').optional(),
  ),
  folderId: optionalId,
  appId: z.preprocess((v) => (v === '' ? undefined : v), z.uuid('Unknown app.').optional()),
  release: checkbox,
  history: checkbox,
});

export type ImportAppOptions = {
  /** The new app's name; the document's app name when absent. Not used with `appId`. */
  name?: string;
  /** Where the new app goes; the top level when absent. Not used with `appId`. */
  folderId?: string | null;
  /** Import into this app as its new draft instead of creating one. */
  appId?: string;
  /** Release the imported draft as the next version. */
  release?: boolean;
  /** Recreate the document's releases under their own numbers (a new app only). */
  history?: boolean;
};

export type UnresolvedResource = { name: string; type: ResourceKind; usedBy: string[]; reason: string };

export type ImportAppResult = {
  appId: string;
  name: string;
  created: boolean;
  /** The version the import released, if it did. */
  releasedVersion: number | null;
  /** The document's releases recreated (with history). */
  importedReleases: number[];
  resources: { name: string; resourceId: string }[];
};

/**
 * Imports an export document: a new app (the right to create one where it goes) or a new draft of
 * an existing app (Edit on it), optionally released. Every resource the imported definitions name
 * must be a resource of this organization, of the same name and kind, that the importer may use;
 * otherwise one invalid_input lists every one that is not, and nothing is written. The draft is
 * saved through saveAppDraft, so it passes the same checks as one saved in the editor. Recorded as
 * IMPORT_APP, after CREATE_APP, APP_DRAFT_SAVED and APP_RELEASED as the steps happen.
 */
export async function importApp(ctx: MutationCtx, input: ImportAppOptions & { document: unknown }): Promise<ImportAppResult> {
  const orgId = orgOf(ctx);
  const doc = parseAppDocument(input.document);

  let existing: Awaited<ReturnType<typeof findApp>> | null = null;
  if (input.appId) {
    existing = await findApp(ctx, orgId, input.appId);
    await authorize(ctx, input.release ? 'release' : 'edit', { kind: 'app', id: existing.id, folderId: existing.folderId });
    if (input.history) throw AppError.field('history', 'Release history can be imported only into a new app.');
  } else if (input.folderId) {
    const folder = await findFolder(orgId, 'app', input.folderId, ctx.tx);
    await authorize(ctx, 'create_item', { kind: 'folder', objectKind: 'app', id: folder.id });
  } else {
    await authorize(ctx, 'create', { kind: 'all', objectKind: 'app' });
  }
  if (input.history && !doc.releases?.length)
    throw AppError.field('history', 'The document has no releases: export the app with its release history first.');

  const history = input.history ? doc.releases! : [];
  const definitions: { label: string; definition: TransferDefinition }[] = [
    { label: 'the draft', definition: doc.definition },
    ...history.map((r) => ({ label: `release ${r.version}`, definition: r.definition })),
  ];
  const { idByName, resolved } = await resolveResources(ctx, orgId, doc, definitions);

  let appId: string;
  const name = existing?.name ?? input.name ?? doc.app.name;
  if (existing) appId = existing.id;
  else {
    try {
      ({ id: appId } = await createObject(ctx, { kind: 'app', name, folderId: input.folderId ?? null }));
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict' && e.meta.fieldErrors?.name)
        throw AppError.field('name', `There is already an app named "${name}". Choose another name for the import.`, 'conflict');
      throw e;
    }
  }
  if (history.length) await authorize(ctx, 'release', { kind: 'app', id: appId, folderId: input.folderId ?? null });
  for (const release of history) {
    const definition = parseStoredDefinition(bindResources(release.definition, idByName));
    await ctx.tx.insert(appReleases).values({
      organizationId: orgId,
      appId,
      version: release.version,
      definition: definition as unknown as Record<string, unknown>,
      releasedBy: actorUserId(ctx.actor),
    });
  }
  await saveAppDraft(ctx, { appId, definition: bindResources(doc.definition, idByName) });
  const releasedVersion = input.release ? (await releaseApp(ctx, { appId })).version : null;
  const importedReleases = history.map((r) => r.version);
  await record(ctx, {
    actionType: 'IMPORT_APP',
    metadata: {
      objectId: appId,
      name,
      created: !existing,
      sourceName: doc.app.name,
      exportedAt: doc.exportedAt,
      releasedVersion,
      importedReleases,
      resources: resolved,
    },
  });
  return { appId, name, created: !existing, releasedVersion, importedReleases, resources: resolved };
}

/**
 * Maps every resource name the definitions use to a resource of the organization: same name (any
 * letter case), same kind when both are known, and Use for the importer. Throws one invalid_input
 * listing every name that does not map (by its place in the document's resources) before anything
 * is written.
 */
async function resolveResources(
  ctx: MutationCtx,
  orgId: string,
  doc: AppDocument,
  definitions: { label: string; definition: TransferDefinition }[],
) {
  const usedBy = new Map<string, { name: string; queries: string[] }>();
  for (const { label, definition } of definitions)
    for (const q of definition.queries) {
      const entry =
        usedBy.get(q.resource.toLowerCase()) ??
        usedBy.set(q.resource.toLowerCase(), { name: q.resource, queries: [] }).get(q.resource.toLowerCase())!;
      const where = definitions.length > 1 ? `${q.name} (${label})` : q.name;
      if (!entry.queries.includes(where)) entry.queries.push(where);
    }
  const keys = [...usedBy.keys()];
  const rows = keys.length
    ? await ctx.tx
        .select({ id: objects.id, name: objects.name, folderId: objects.folderId })
        .from(objects)
        .where(and(eq(objects.organizationId, orgId), eq(objects.kind, 'resource'), inArray(sql`lower(${objects.name})`, keys)))
    : [];
  const kinds = await resourceKinds(
    ctx,
    orgId,
    rows.map((r) => r.id),
  );

  const idByName = new Map<string, string>();
  const resolved: { name: string; resourceId: string }[] = [];
  const unresolved: (UnresolvedResource & { index: number })[] = [];
  for (const [key, { name, queries }] of usedBy) {
    const index = doc.resources.findIndex((r) => r.name.toLowerCase() === key);
    const expected = doc.resources[index]?.type ?? null;
    const row = rows.find((r) => r.name.toLowerCase() === key);
    const usable =
      row &&
      (await authorize(ctx, 'use', { kind: 'resource', id: row.id, folderId: row.folderId }).then(
        () => true,
        (e: unknown) => {
          if (isAppError(e) && e.code === 'forbidden') return false;
          throw e;
        },
      ));
    const kind = row ? kinds.get(row.id) : undefined;
    const reason =
      !row || !usable
        ? `No resource named "${name}" that you may use in this organization.`
        : expected && kind && kind !== expected
          ? `"${row.name}" is ${KIND_LABEL[kind]} here, but the app's queries expect ${KIND_LABEL[expected]}.`
          : null;
    if (reason) unresolved.push({ index, name, type: expected, usedBy: queries, reason: `${reason} Used by ${queries.join(', ')}.` });
    else {
      idByName.set(key, row!.id);
      resolved.push({ name: row!.name, resourceId: row!.id });
    }
  }
  if (unresolved.length) {
    const names = unresolved.map((u) => `"${u.name}"`).join(', ');
    throw new AppError(
      'invalid_input',
      `${unresolved.length === 1 ? 'A resource' : `${unresolved.length} resources`} the app needs cannot be found in this organization: ${names}. Nothing was imported.`,
      {
        fieldErrors: Object.fromEntries(unresolved.map((u) => [`resources[${u.index}]`, [u.reason]])),
        details: { unresolved: unresolved.map(({ index: _i, ...u }) => u) },
      },
    );
  }
  return { idByName, resolved };
}
