// Reads of the query library. Each checks the reader's query-library access itself (deny by
// default): the library is readable with "view" or "edit" on any of the user's groups.
import { and, asc, desc, eq } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { libraryQueries, libraryQueryVersions, objects } from '@/db/schema';
import { can, type Snapshot } from '@/lib/authz/can';
import { AppError } from '@/lib/errors';
import { queryBodySchema, type QueryBody } from '@/lib/apps/definition';

export type LibraryQuerySummary = {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  type: 'sql' | 'rest';
  resourceId: string;
  resourceName: string;
  updatedAt: Date;
};

export type LibraryQueryVersion = { version: number; resourceId: string; resourceName: string; body: QueryBody; createdAt: Date };
export type LibraryQueryDetail = Omit<LibraryQuerySummary, 'type' | 'resourceId' | 'resourceName'> & { versions: LibraryQueryVersion[] };

/** Throws `forbidden` unless the snapshot's groups give `access` to the query library. */
export function requireLibraryAccess(snapshot: Snapshot, access: 'view' | 'edit'): void {
  const decision = can(snapshot, access, { kind: 'org', area: 'query_library' });
  if (!decision.allowed) throw new AppError('forbidden', decision.because.kind === 'denied' ? decision.because.reason : 'Not allowed.');
}

/** The organization's library queries with their latest version's type and resource. */
export async function listLibraryQueries(snapshot: Snapshot, db: DbOrTx = getDb()): Promise<LibraryQuerySummary[]> {
  requireLibraryAccess(snapshot, 'view');
  const rows = await db
    .select({
      id: libraryQueries.id,
      name: libraryQueries.name,
      description: libraryQueries.description,
      latestVersion: libraryQueries.latestVersion,
      updatedAt: libraryQueries.updatedAt,
      body: libraryQueryVersions.body,
      resourceId: libraryQueryVersions.resourceId,
      resourceName: objects.name,
    })
    .from(libraryQueries)
    .innerJoin(
      libraryQueryVersions,
      and(eq(libraryQueryVersions.libraryQueryId, libraryQueries.id), eq(libraryQueryVersions.version, libraryQueries.latestVersion)),
    )
    .innerJoin(objects, eq(objects.id, libraryQueryVersions.resourceId))
    .where(eq(libraryQueries.organizationId, snapshot.orgId))
    .orderBy(asc(libraryQueries.name));
  return rows.map(({ body, ...r }) => ({ ...r, type: body.type === 'rest' ? 'rest' : 'sql' }));
}

/** One library query with every version, newest first; not found across organizations. */
export async function getLibraryQuery(snapshot: Snapshot, id: string, db: DbOrTx = getDb()): Promise<LibraryQueryDetail> {
  requireLibraryAccess(snapshot, 'view');
  const [row] = await db
    .select({
      id: libraryQueries.id,
      name: libraryQueries.name,
      description: libraryQueries.description,
      latestVersion: libraryQueries.latestVersion,
      updatedAt: libraryQueries.updatedAt,
    })
    .from(libraryQueries)
    .where(and(eq(libraryQueries.id, id), eq(libraryQueries.organizationId, snapshot.orgId)));
  if (!row) throw new AppError('not_found', 'No such library query.');
  const versions = await db
    .select({
      version: libraryQueryVersions.version,
      resourceId: libraryQueryVersions.resourceId,
      resourceName: objects.name,
      body: libraryQueryVersions.body,
      createdAt: libraryQueryVersions.createdAt,
    })
    .from(libraryQueryVersions)
    .innerJoin(objects, eq(objects.id, libraryQueryVersions.resourceId))
    .where(eq(libraryQueryVersions.libraryQueryId, row.id))
    .orderBy(desc(libraryQueryVersions.version));
  return { ...row, versions: versions.map((v) => ({ ...v, body: queryBodySchema.parse(v.body) })) };
}

/**
 * One version of a library query for the runtime and the app editor's checks, scoped to the
 * organization; null when it does not exist (deleted, or another organization's). No access check:
 * running an app's query needs Use on the app, not the library (the app is what is shared).
 */
export async function findLibraryQueryVersion(
  orgId: string,
  libraryQueryId: string,
  version: number,
  db: DbOrTx = getDb(),
): Promise<{ name: string; resourceId: string; body: QueryBody } | null> {
  const [row] = await db
    .select({ name: libraryQueries.name, resourceId: libraryQueryVersions.resourceId, body: libraryQueryVersions.body })
    .from(libraryQueryVersions)
    .innerJoin(libraryQueries, eq(libraryQueries.id, libraryQueryVersions.libraryQueryId))
    .where(
      and(
        eq(libraryQueryVersions.libraryQueryId, libraryQueryId),
        eq(libraryQueryVersions.version, version),
        eq(libraryQueryVersions.organizationId, orgId),
      ),
    );
  return row ? { name: row.name, resourceId: row.resourceId, body: queryBodySchema.parse(row.body) } : null;
}
