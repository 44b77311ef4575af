import { notFound } from 'next/navigation';
import { AppViewer } from '@/components/apps/app-viewer';
import { NoAccess } from '@/components/dashboard/no-access';
import { PageHeader } from '@/components/ui/fields';
import { currentUserFor, findReleasedApp } from '@/lib/apps/reads';
import { requireViewer } from '@/lib/auth/viewer';
import { can } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import { getObject } from '@/lib/objects/reads';

/** A released app as its users see it (Use on the app). */
export default async function AppViewPage({ params }: { params: Promise<{ objectId: string }> }) {
  const viewer = await requireViewer();
  const app = await getObject(viewer.orgId, 'app', (await params).objectId);
  if (!app) notFound();
  const decision = can(viewer.snapshot, 'run', { kind: 'app', id: app.id, folderId: app.folderId });
  if (!decision.allowed) return <NoAccess title="App" reason={explain(decision.because)} />;
  const release = await findReleasedApp(viewer.orgId, app.id);
  return (
    <div className="space-y-6">
      <PageHeader title={app.name} description={release ? `Release ${release.version}` : undefined} />
      {release ? (
        <AppViewer appId={app.id} definition={release.definition} currentUser={currentUserFor(viewer.user, viewer.snapshot)} />
      ) : (
        <p className="text-sm text-slate-600">This app has not been released yet.</p>
      )}
    </div>
  );
}
