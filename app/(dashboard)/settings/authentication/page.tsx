import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { requiresTwoFactor } from '@/lib/auth/two-factor';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { TwoFactorRequirementForm } from './requirement-form';

export const metadata = { title: 'Authentication' };

export default async function AuthenticationSettingsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' })) return <NoAccess title="Authentication" reason="Only admins can change how people sign in." />;
  const required = requiresTwoFactor(await getOrganizationSettings(viewer.orgId));
  return (
    <div className="space-y-6">
      <PageHeader title="Authentication" description="How people in your organization sign in.">
        {required ? <Badge tone="green">Two-factor required</Badge> : null}
      </PageHeader>
      <Card
        title="Two-factor authentication"
        description="When required, everyone must enter a code from an authenticator app after their password. People without one set it up at their next sign-in, before they get in."
      >
        <TwoFactorRequirementForm required={required} />
      </Card>
    </div>
  );
}
