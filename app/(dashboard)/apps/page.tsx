import { Card } from '@/components/ui/card';
import { preventsQuerySpoofing } from '@/lib/apps/settings';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { ObjectsPage } from '../_objects/objects-page';
import { QueryProtectionForm } from './query-protection-form';

export const metadata = { title: 'Apps' };

export default async function Page({ searchParams }: { searchParams: Promise<{ q?: string; after?: string }> }) {
  const viewer = await requireViewer();
  const admin = allowed(viewer, 'manage', { kind: 'org', area: 'settings' });
  const enabled = admin ? preventsQuerySpoofing(await getOrganizationSettings(viewer.orgId)) : true;
  return (
    <div className="space-y-6">
      <ObjectsPage kind="app" searchParams={searchParams} />
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
