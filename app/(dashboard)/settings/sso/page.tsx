import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listGroups } from '@/lib/groups/reads';
import { getSsoConnection, oidcRedirectUrl } from '@/lib/sso/connections';
import { Button } from '@/components/ui/button';
import { deleteSsoConnectionAction, startSsoTestAction } from './actions';
import { SsoConnectionForm } from './forms';

export const metadata = { title: 'Single sign-on' };

export default async function SsoSettingsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' })) return <NoAccess title="Single sign-on" reason="Only admins can manage single sign-on." />;
  const [connection, groups] = await Promise.all([getSsoConnection(viewer.orgId), listGroups(viewer.orgId)]);
  const assignable = groups.filter((g) => g.builtin === null);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Single sign-on"
        description="Let people sign in through your OpenID Connect identity provider (Okta, Microsoft Entra ID, Google Workspace, Keycloak…). Identities are matched by the provider’s subject, never by email alone."
      >
        {connection ? <Badge tone="green">OIDC connected</Badge> : <Badge>Not set up</Badge>}
      </PageHeader>
      <Card title="At your identity provider">
        <p className="text-sm text-slate-700">Register a web application with this redirect URL (sign-in redirect URI):</p>
        <p className="mt-2 font-mono text-sm break-all" data-testid="sso-redirect-url">
          {oidcRedirectUrl()}
        </p>
      </Card>
      <Card title={connection ? 'OIDC connection' : 'Add an OIDC connection'}>
        <SsoConnectionForm connection={connection} groups={assignable.map((g) => ({ id: g.id, name: g.name }))} />
      </Card>
      {connection ? (
        <Card title="Test the connection">
          <form action={startSsoTestAction} className="flex items-center gap-4">
            <p className="text-sm text-slate-700">Sign in at your identity provider and see the claims it sends and what Gatehouse would do. Nobody is signed in.</p>
            <Button type="submit" variant="secondary">
              Test connection
            </Button>
          </form>
        </Card>
      ) : null}
      {connection ? (
        <Card title="Remove single sign-on">
          <ActionForm action={deleteSsoConnectionAction} submitLabel="Remove connection" variant="danger" confirm="Remove the SSO connection? People who sign in with it will need a password or a new connection.">
            <p className="mb-3 text-sm text-slate-700">People linked to this connection can no longer sign in with it; their accounts stay.</p>
          </ActionForm>
        </Card>
      ) : null}
    </div>
  );
}
