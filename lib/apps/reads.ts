// Reads of app definitions for pages: the newest release for anyone with Use on the app; the draft and the list of releases for editors.
import { and, desc, eq } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { appDrafts, appReleases, users } from '@/db/schema';
import type { Snapshot } from '@/lib/authz/can';
import { AppError } from '@/lib/errors';
import { findLibraryQueryVersion } from '@/lib/query-library/reads';
import { parseStoredDefinition, type AppDefinition, type AppQuery, type RunnableQuery } from './definition';
import { appViewFor, type AppView } from './view';

/** The newest release of an app (the caller has checked Use on it), or null before the first release. */
export async function findReleasedApp(
  orgId: string,
  appId: string,
  db: DbOrTx = getDb(),
): Promise<{ version: number; definition: AppDefinition } | null> {
  const [release] = await db
    .select({ definition: appReleases.definition, version: appReleases.version })
    .from(appReleases)
    .where(and(eq(appReleases.appId, appId), eq(appReleases.organizationId, orgId)))
    .orderBy(desc(appReleases.version))
    .limit(1);
  return release ? { version: release.version, definition: parseStoredDefinition(release.definition) } : null;
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
