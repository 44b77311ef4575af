import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppViewer } from '@/components/apps/app-viewer';
import { NoAccess } from '@/components/dashboard/no-access';
import { PageHeader } from '@/components/ui/fields';
import { currentUserFor, findReleasedAppView } from '@/lib/apps/reads';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { can } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import { getObject } from '@/lib/objects/reads';

/**
 * A released app as its users see it (Use on the app); never the draft, even for editors. The
 * browser receives the view the server decided for this user (lib/apps/view.ts): no hidden
 * component, no rule, no query body.
 */
export default async function AppViewPage({ params }: { params: Promise<{ objectId: string }> }) {
  const viewer = await requireViewer();
  const app = await getObject(viewer.orgId, 'app', (await params).objectId);
  if (!app) notFound();
  const target = { kind: 'app', id: app.id, folderId: app.folderId } as const;
  const decision = can(viewer.snapshot, 'run', target);
  if (!decision.allowed) return <NoAccess title="App" reason={explain(decision.because)} />;
  const currentUser = currentUserFor(viewer.user, viewer.snapshot);
  const release = await findReleasedAppView(viewer.orgId, app.id, currentUser);
  return (
    <div className="space-y-6">
      <PageHeader title={app.name} description={release ? `Release ${release.version}` : undefined}>
        {allowed(viewer, 'edit', target) ? (
          <Link href={`/apps/${app.id}/edit`} className="text-sm font-medium text-brand-700 hover:underline">
            Edit app
          </Link>
        ) : null}
      </PageHeader>
      {release ? (
        <AppViewer
          target={{ appId: app.id, pageVersion: 'released', revision: String(release.version) }}
          view={release.view}
          currentUser={currentUser}
        />
      ) : (
        <p className="text-sm text-slate-600">This app has not been released yet.</p>
      )}
    </div>
  );
}
