// Reads of app definitions for pages: the newest release for anyone with Use on the app; the draft and the list of releases for editors.
import { and, desc, eq, max } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { appDrafts, appReleases, users } from '@/db/schema';
import type { Snapshot } from '@/lib/authz/can';
import { AppError } from '@/lib/errors';
import { findLibraryQueryVersion } from '@/lib/query-library/reads';
import { parseStoredDefinition, type AppDefinition, type AppQuery, type RunnableQuery } from './definition';
import { appViewFor, type AppView } from './view';

/**
 * Parsed definitions of releases by (organization, app, version). A release never changes (a
 * trigger refuses updates, and its app's id is never reused), so this cache cannot go stale; it
 * saves the read and the parse of a view or a run, and keeps the parsed rules of lib/apps/view.ts
 * (cached per definition object) warm.
 */
const releaseCache = new Map<string, AppDefinition>();
const RELEASE_CACHE_SIZE = 500;

/** One release's definition, parsed once per process; null when the app has no such release in the organization. */
export async function releasedDefinition(
  orgId: string,
  appId: string,
  version: number,
  db: DbOrTx = getDb(),
): Promise<AppDefinition | null> {
  const key = `${orgId}:${appId}:${version}`;
  const cached = releaseCache.get(key);
  if (cached) return cached;
  const [release] = await db
    .select({ definition: appReleases.definition })
    .from(appReleases)
    .where(and(eq(appReleases.appId, appId), eq(appReleases.organizationId, orgId), eq(appReleases.version, version)));
  if (!release) return null;
  const definition = parseStoredDefinition(release.definition);
  if (releaseCache.size >= RELEASE_CACHE_SIZE) releaseCache.delete(releaseCache.keys().next().value!);
  releaseCache.set(key, definition);
  return definition;
}

/** The newest release of an app (the caller has checked Use on it), or null before the first release. */
export async function findReleasedApp(
  orgId: string,
  appId: string,
  db: DbOrTx = getDb(),
): Promise<{ version: number; definition: AppDefinition } | null> {
  const [newest] = await db
    .select({ version: max(appReleases.version) })
    .from(appReleases)
    .where(and(eq(appReleases.appId, appId), eq(appReleases.organizationId, orgId)));
  if (newest?.version === null || newest?.version === undefined) return null;
  const definition = await releasedDefinition(orgId, appId, newest.version, db);
  return definition ? { version: newest.version, definition } : null;
}

/** The query as it runs: a query library reference becomes its pinned version, under the app's name for it. */
export async function runnableQuery(orgId: string, query: AppQuery, db: DbOrTx = getDb()): Promise<RunnableQuery> {
  if (query.type !== 'library') return query;
  const found = await findLibraryQueryVersion(orgId, query.libraryQueryId, query.version, db);
  if (!found)
    throw new AppError('not_found', `Query "${query.name}" uses version ${query.version} of a library query that no longer exists.`);
  return { ...found.body, name: query.name, resourceId: found.resourceId } as RunnableQuery;
}

/**
 * The newest release as this user's browser may receive it (lib/apps/view.ts): the components
 * they see, the queries those run and their inputs. Null before the first release.
 */
export async function findReleasedAppView(
  orgId: string,
  appId: string,
  currentUser: CurrentUser,
  db: DbOrTx = getDb(),
): Promise<{ version: number; view: AppView } | null> {
  const release = await findReleasedApp(orgId, appId, db);
  if (!release) return null;
  // A library query that no longer exists has no inputs: its run is refused with the reason anyway.
  const bodies = new Map<string, RunnableQuery | undefined>(
    await Promise.all(
      release.definition.queries.map(async (q) => [q.name, await runnableQuery(orgId, q, db).catch(() => undefined)] as const),
    ),
  );
  return { version: release.version, view: appViewFor(release.definition, currentUser, (q) => bodies.get(q.name)) };
}

/**
 * The app's draft as stored (the caller has checked Edit on it), or null before the first save.
 * Not re-parsed: the editor shows it as it is, even if a newer schema would now reject it.
 */
export async function findAppDraft(
  orgId: string,
  appId: string,
  db: DbOrTx = getDb(),
): Promise<{ definition: Record<string, unknown>; updatedAt: Date } | null> {
  const [draft] = await db
    .select({ definition: appDrafts.definition, updatedAt: appDrafts.updatedAt })
    .from(appDrafts)
    .where(and(eq(appDrafts.appId, appId), eq(appDrafts.organizationId, orgId)));
  return draft ?? null;
}

export type AppReleaseSummary = { version: number; releasedAt: Date; releasedBy: string | null };

/** An app's releases, newest first (numbers and who released them; definitions stay on the server). */
export async function listAppReleases(orgId: string, appId: string, db: DbOrTx = getDb()): Promise<AppReleaseSummary[]> {
  return db
    .select({ version: appReleases.version, releasedAt: appReleases.createdAt, releasedBy: users.email })
    .from(appReleases)
    .leftJoin(users, eq(users.id, appReleases.releasedBy))
    .where(and(eq(appReleases.appId, appId), eq(appReleases.organizationId, orgId)))
    .orderBy(desc(appReleases.version))
    .limit(50);
}

export type CurrentUser = {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  fullName: string;
  groups: string[];
  metadata: Record<string, unknown>;
};

/** `current_user` as expressions see it: the user and the names of their groups. */
export function currentUserFor(
  user: { id: string; email: string; firstName: string; lastName: string },
  snapshot: Snapshot | undefined,
): CurrentUser {
  const groups = (snapshot?.groups ?? []).map((g) => g.name).sort();
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    fullName: `${user.firstName} ${user.lastName}`.trim(),
    groups,
    metadata: {},
  };
}
