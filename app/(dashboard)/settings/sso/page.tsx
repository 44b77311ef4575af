import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listGroups } from '@/lib/groups/reads';
import Link from 'next/link';
import { getSsoConnection, oidcRedirectUrl } from '@/lib/sso/connections';
import { SubmitButton } from '@/components/form/submit-button';
import { samlServiceProvider } from '@/lib/sso/saml';
import { deleteSsoConnectionAction, startSsoTestAction } from './actions';
import { SamlConnectionForm, SsoConnectionForm } from './forms';

export const metadata = { title: 'Single sign-on' };

/** One connection per organization, OIDC or SAML (decision 0015): the page shows the one in use, or the protocol chosen. */
export default async function SsoSettingsPage({ searchParams }: { searchParams: Promise<{ protocol?: string }> }) {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Single sign-on" reason="Only admins can manage single sign-on." />;
  const [connection, groups] = await Promise.all([getSsoConnection(viewer.orgId), listGroups(viewer.orgId)]);
  const assignable = groups.filter((g) => g.builtin === null);
  const { protocol: asked } = await searchParams;
  const protocol = asked === 'saml' || asked === 'oidc' ? asked : (connection?.type ?? 'oidc');
  const sp = samlServiceProvider();
  const other = protocol === 'saml' ? 'oidc' : 'saml';
  return (
    <div className="space-y-6">
      <PageHeader
        title="Single sign-on"
        description="Let people sign in through your identity provider (Okta, Microsoft Entra ID, Google Workspace, Keycloak…) with OpenID Connect or SAML. Identities are matched by the provider’s subject, never by email alone."
      >
        {connection ? <Badge tone="green">{connection.type === 'saml' ? 'SAML' : 'OIDC'} connected</Badge> : <Badge>Not set up</Badge>}
      </PageHeader>
      <p className="text-sm text-slate-700">
        {connection && connection.type !== protocol
          ? `Saving a ${protocol.toUpperCase()} connection replaces the ${connection.type.toUpperCase()} one. `
          : null}
        <Link className="text-blue-700 underline" href={`/settings/sso?protocol=${other}`}>
          {other === 'saml' ? 'Use SAML instead' : 'Use OpenID Connect instead'}
        </Link>
      </p>
      {protocol === 'saml' ? (
        <>
          <Card title="At your identity provider">
            <p className="text-sm text-slate-700">
              Create a SAML application with these service provider details, or give it our metadata:
            </p>
            <dl className="mt-2 grid grid-cols-[12rem_1fr] gap-2 text-sm">
              <dt className="font-medium text-slate-700">ACS URL</dt>
              <dd className="font-mono break-all" data-testid="saml-acs-url">
                {sp.acsUrl}
              </dd>
              <dt className="font-medium text-slate-700">SP entity id (audience)</dt>
              <dd className="font-mono break-all" data-testid="saml-entity-id">
                {sp.entityId}
              </dd>
              <dt className="font-medium text-slate-700">SP metadata</dt>
              <dd>
                <a className="text-blue-700 underline" href={sp.metadataUrl} download>
                  Download SP metadata (XML)
                </a>
              </dd>
            </dl>
            <p className="mt-2 text-xs text-slate-500">Name ID: a stable, unique identifier of the person. Sign the assertion (SHA-256).</p>
          </Card>
          <Card title={connection?.type === 'saml' ? 'SAML connection' : 'Add a SAML connection'}>
            <SamlConnectionForm connection={connection} groups={assignable.map((g) => ({ id: g.id, name: g.name }))} />
          </Card>
        </>
      ) : (
        <>
          <Card title="At your identity provider">
            <p className="text-sm text-slate-700">Register a web application with this redirect URL (sign-in redirect URI):</p>
            <p className="mt-2 font-mono text-sm break-all" data-testid="sso-redirect-url">
              {oidcRedirectUrl()}
            </p>
          </Card>
          <Card title={connection?.type === 'oidc' ? 'OIDC connection' : 'Add an OIDC connection'}>
            <SsoConnectionForm connection={connection} groups={assignable.map((g) => ({ id: g.id, name: g.name }))} />
          </Card>
        </>
      )}
      {connection ? (
        <Card title="Test the connection">
          <form action={startSsoTestAction} className="flex items-center gap-4">
            <p className="text-sm text-slate-700">
              Sign in at your identity provider and see the claims it sends and what Gatehouse would do. Nobody is signed in.
            </p>
            <SubmitButton variant="secondary">Test connection</SubmitButton>
          </form>
        </Card>
      ) : null}
      {connection ? (
        <Card title="Remove single sign-on">
          <ActionForm
            action={deleteSsoConnectionAction}
            submitLabel="Remove connection"
            variant="danger"
            confirm="Remove the SSO connection? People who sign in with it will need a password or a new connection."
          >
            <p className="mb-3 text-sm text-slate-700">
              People linked to this connection can no longer sign in with it; their accounts stay.
            </p>
          </ActionForm>
        </Card>
      ) : null}
    </div>
  );
}
