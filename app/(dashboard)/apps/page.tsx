import { Card } from '@/components/ui/card';
import { preventsQuerySpoofing } from '@/lib/apps/settings';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listFolders } from '@/lib/objects/reads';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { ObjectsPage } from '../_objects/objects-page';
import { ImportAppForm } from './import-app-form';
import { QueryProtectionForm } from './query-protection-form';

export const metadata = { title: 'Apps' };

export default async function Page({ searchParams }: { searchParams: Promise<{ q?: string; after?: string }> }) {
  const viewer = await requireViewer();
  const admin = allowed(viewer, 'manage', { kind: 'org', area: 'settings' });
  const enabled = admin ? preventsQuerySpoofing(await getOrganizationSettings(viewer.orgId)) : true;
  const canTop = allowed(viewer, 'create', { kind: 'all', objectKind: 'app' });
  const creatable = (await listFolders(viewer.snapshot, 'app')).filter((f) =>
    allowed(viewer, 'create_item', { kind: 'folder', objectKind: 'app', id: f.id }),
  );
  return (
    <div className="space-y-6">
      <ObjectsPage kind="app" searchParams={searchParams} />
      {canTop || creatable.length ? (
        <Card
          title="Import app"
          description="An export document from another organization or Gatehouse. Each resource it names must exist here under the same name; if one does not, the import lists them all and changes nothing."
        >
          <ImportAppForm canTop={canTop} folders={creatable.map((f) => ({ id: f.id, name: f.name }))} />
        </Card>
      ) : null}
      {admin ? (
        <Card
          title="Query protection"
          description="Queries always run as the signed-in user. When spoofing prevention is on (recommended), a request that claims different current_user values is refused and recorded as QUERY_SPOOF_BLOCKED; when off, the browser's values are used."
        >
          <QueryProtectionForm enabled={enabled} />
        </Card>
      ) : null}
    </div>
  );
}
