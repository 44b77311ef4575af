import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppEditor } from '@/components/apps/app-editor';
import { NoAccess } from '@/components/dashboard/no-access';
import { PageHeader } from '@/components/ui/fields';
import { STARTER_DEFINITION } from '@/lib/apps/editing';
import { currentUserFor, findAppDraft, findReleasedApp, listAppReleases } from '@/lib/apps/reads';
import { requireViewer } from '@/lib/auth/viewer';
import { can } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import { listEnvironments } from '@/lib/environments/reads';
import { servesEnvironment } from '@/lib/environments/served';
import { listLibraryQueries } from '@/lib/query-library/reads';
import { getObject, listVisibleObjects } from '@/lib/objects/reads';

export const dynamic = 'force-dynamic';

/**
 * The app editor (Edit on the app). Refused here, on the server, for anyone else: the draft, the
 * resources and the environments are never sent to a user who may only use the app.
 */
export default async function AppEditPage({ params }: { params: Promise<{ objectId: string }> }) {
  const viewer = await requireViewer();
  const app = await getObject(viewer.orgId, 'app', (await params).objectId);
  if (!app) notFound();
  const target = { kind: 'app', id: app.id, folderId: app.folderId } as const;
  const decision = can(viewer.snapshot, 'edit', target);
  if (!decision.allowed)
    return <NoAccess title={`Edit ${app.name}`} reason={`Editing this app needs Edit on it. ${explain(decision.because)}`} />;

  const libraryAccess = can(viewer.snapshot, 'view', { kind: 'org', area: 'query_library' }).allowed;
  const [draft, releases, resources, environments, libraryQueries] = await Promise.all([
    findAppDraft(viewer.orgId, app.id),
    listAppReleases(viewer.orgId, app.id),
    listVisibleObjects(viewer.snapshot, 'resource', { limit: 200 }),
    listEnvironments(viewer.orgId),
    libraryAccess ? listLibraryQueries(viewer.snapshot) : [],
  ]);
  // Before the first save the editor starts from the newest release, or from an empty page.
  const initial = draft?.definition ?? (await findReleasedApp(viewer.orgId, app.id))?.definition ?? STARTER_DEFINITION;
  // Running the draft needs Edit in the environment it runs in, on an instance that serves it
  // (GATEHOUSE_ENVIRONMENTS); the run endpoint checks both again.
  const usable = environments.filter(
    (e) => servesEnvironment(e.name) && can(viewer.snapshot, 'edit', { ...target, environmentId: e.id }).allowed,
  );

  return (
    <div className="space-y-6">
      <PageHeader
        title={`Edit ${app.name}`}
        description={releases[0] ? `Newest release: version ${releases[0].version}` : 'Not released yet'}
      >
        <div className="flex gap-4 text-sm font-medium">
          <Link href={`/apps/${app.id}/view`} className="text-brand-700 hover:underline">
            Open the released app
          </Link>
          <Link href={`/apps/${app.id}`} className="text-brand-700 hover:underline">
            Access and sharing
          </Link>
        </div>
      </PageHeader>
      <AppEditor
        appId={app.id}
        initialDefinition={initial}
        hasDraft={draft !== null}
        resources={resources.items.map((r) => ({ id: r.id, name: r.name }))}
        libraryQueries={libraryQueries.map((l) => ({ id: l.id, name: l.name, latestVersion: l.latestVersion }))}
        environments={usable}
        releases={releases.map((r) => ({ ...r, releasedAt: r.releasedAt.toISOString() }))}
        currentUser={currentUserFor(viewer.user, viewer.snapshot)}
      />
    </div>
  );
}
