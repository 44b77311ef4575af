import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { retentionOf } from '@/lib/audit/retention';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { RetentionForm } from './form';

export const metadata = { title: 'Audit retention' };

export default async function AuditRetentionPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Audit retention" reason="Only admins can change audit retention." />;
  const { retentionDays, legalHold } = retentionOf(await getOrganizationSettings(viewer.orgId));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Audit retention"
        description="Events older than the retention period are deleted hourly, oldest first. The hash chain stays verifiable: each deletion is itself recorded. Events not yet delivered to an enabled streaming destination are kept."
      >
        {legalHold ? <Badge tone="amber">Legal hold on</Badge> : null}
      </PageHeader>
      <Card>
        <RetentionForm retentionDays={retentionDays} legalHold={legalHold} />
      </Card>
    </div>
  );
}
