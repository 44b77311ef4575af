import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { describeSessionLimits, formatMinutes, sessionLimitMinutes } from '@/lib/sessions/limits';
import { SessionLimitsForm } from './form';

export const metadata = { title: 'Sessions' };

export default async function SessionSettingsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Sessions" reason="Only admins can change how long sessions last." />;
  const limits = sessionLimitMinutes(await getOrganizationSettings(viewer.orgId));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Sessions"
        description="How long a sign-in lasts. A change applies to every session, including those already open, at its next request; sessions that have already ended stay ended."
      />
      <Card description={<span data-testid="session-limits">{describeSessionLimits(limits)}</span>}>
        <SessionLimitsForm idle={formatMinutes(limits.idleMinutes)} absolute={formatMinutes(limits.absoluteMinutes)} />
      </Card>
    </div>
  );
}
