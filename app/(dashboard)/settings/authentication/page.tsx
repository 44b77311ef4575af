import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { requiresTwoFactor } from '@/lib/auth/two-factor';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { setTwoFactorRequirementAction } from './actions';

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
        <ActionForm action={setTwoFactorRequirementAction} submitLabel="Save" className="flex items-center gap-4 text-sm" success={() => <span className="text-green-700">Saved.</span>}>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="required" defaultChecked={required} /> Require two-factor authentication for everyone
          </label>
        </ActionForm>
      </Card>
    </div>
  );
}
