import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, Input, PageHeader } from '@/components/ui/fields';
import { retentionOf } from '@/lib/audit/retention';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { updateRetentionAction } from './actions';

export const metadata = { title: 'Audit retention' };

export default async function AuditRetentionPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' })) return <NoAccess title="Audit retention" reason="Only admins can change audit retention." />;
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
        <ActionForm action={updateRetentionAction} submitLabel="Save" className="grid max-w-xl grid-cols-[12rem_1fr] items-center gap-3 text-sm" success={() => <span className="text-green-700">Saved.</span>}>
          <label htmlFor="r-days">Keep events for (days)</label>
          <Input id="r-days" name="retentionDays" type="number" min={30} max={3650} defaultValue={retentionDays} />
          <label htmlFor="r-hold">Legal hold</label>
          <span>
            <input id="r-hold" type="checkbox" name="legalHold" defaultChecked={legalHold} /> Delete nothing while on
          </span>
          <span />
        </ActionForm>
      </Card>
    </div>
  );
}
