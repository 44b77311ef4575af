import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { googleSettings } from '@/lib/auth/google';
import { enforcesSso, lastSsoSignInAt, listBreakGlassCandidates } from '@/lib/auth/sso-enforcement';
import { requiresTwoFactor } from '@/lib/auth/two-factor';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { googleClient } from '@/lib/env';
import { listGroups } from '@/lib/groups/reads';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { organizationHasSso } from '@/lib/sso/connections';
import { GoogleSettingsForm } from './google-form';
import { TwoFactorRequirementForm } from './requirement-form';
import { BreakGlassToggle, SsoEnforcementForm } from './sso-enforcement-forms';

export const metadata = { title: 'Authentication' };

export default async function AuthenticationSettingsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Authentication" reason="Only admins can change how people sign in." />;
  const settings = await getOrganizationSettings(viewer.orgId);
  const required = requiresTwoFactor(settings);
  const enforced = enforcesSso(settings);
  const [hasSso, lastSso, admins, groups] = await Promise.all([
    organizationHasSso(viewer.orgId),
    lastSsoSignInAt(viewer.orgId),
    listBreakGlassCandidates(viewer.orgId, settings),
    listGroups(viewer.orgId),
  ]);
  const google = googleClient();
  return (
    <div className="space-y-6">
      <PageHeader title="Authentication" description="How people in your organization sign in.">
        {required ? <Badge tone="green">Two-factor required</Badge> : null}
        {enforced ? <Badge tone="blue">SSO enforced</Badge> : null}
      </PageHeader>
      <Card
        title="Two-factor authentication"
        description="When required, everyone must enter a code from an authenticator app after their password. People without one set it up at their next sign-in, before they get in."
      >
        <TwoFactorRequirementForm required={required} />
      </Card>
      <Card
        title="Enforce single sign-on"
        description="When enforced, nobody signs in with a password except the break-glass admins below, who also need their two-factor code. To make sure SSO works, it can be enforced only after someone signed in with SSO in the last 24 hours. API tokens keep working."
      >
        <div className="space-y-4">
          <p className="text-sm text-slate-600" data-testid="last-sso-sign-in">
            {!hasSso
              ? 'No SSO connection yet: set one up under Single sign-on.'
              : lastSso
                ? `Last SSO sign-in: ${lastSso.toISOString().replace('T', ' ').slice(0, 16)} UTC.`
                : 'No one has signed in with SSO yet.'}
          </p>
          <SsoEnforcementForm enforced={enforced} />
          <Table testId="break-glass-admins">
            <thead>
              <tr>
                <Th>Admin</Th>
                <Th>Two-factor</Th>
                <Th>Break-glass</Th>
                <Th />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {admins.map((a) => (
                <tr key={a.userId} data-email={a.email}>
                  <Td>{a.email}</Td>
                  <Td>{a.twoFactor ? <Badge tone="green">on</Badge> : <Badge tone="amber">off</Badge>}</Td>
                  <Td>{a.designated ? <Badge tone="blue">break-glass</Badge> : null}</Td>
                  <Td>
                    {a.designated || a.twoFactor ? (
                      <BreakGlassToggle userId={a.userId} email={a.email} designated={a.designated} />
                    ) : (
                      <span className="text-xs text-slate-500">needs two-factor</span>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      </Card>
      <Card
        title="Sign in with Google"
        description="People sign in with their Google account from your organization’s sign-in page. Only emails Google has verified are accepted, and a Google account is never linked to an existing account by email."
      >
        {google ? (
          <GoogleSettingsForm
            settings={googleSettings(settings)}
            groups={groups.filter((g) => g.builtin === null).map((g) => ({ id: g.id, name: g.name }))}
          />
        ) : (
          <p className="text-sm text-slate-600" data-testid="google-not-configured">
            This Gatehouse has no Google client. Set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (redirect URI: your public URL +
            /api/auth/callback/google).
          </p>
        )}
      </Card>
    </div>
  );
}
