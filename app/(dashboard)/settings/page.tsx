import Link from 'next/link';
import { NotBuiltYet } from '@/components/dashboard/not-built';
import { NoAccess } from '@/components/dashboard/no-access';
import { allowed, requireViewer } from '@/lib/auth/viewer';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' })) return <NoAccess title="Settings" reason="Only admins can manage settings." />;
  return (
    <NotBuiltYet title="Settings">
      <p>
        <Link href="/settings/api-tokens" className="font-medium text-brand-600 hover:underline">
          API tokens
        </Link>{' '}
        for the public REST API and{' '}
        <Link href="/settings/scim" className="font-medium text-brand-600 hover:underline">
          SCIM provisioning
        </Link>{' '}
        for Okta, Microsoft Entra ID and other identity providers, and{' '}
        <Link href="/settings/audit-streaming" className="font-medium text-brand-600 hover:underline">
          audit streaming
        </Link>{' '}
        to Datadog, Splunk or a signed webhook are ready, as is{' '}
        <Link href="/settings/audit-retention" className="font-medium text-brand-600 hover:underline">
          audit retention
        </Link>{' '}
        with a legal hold, and{' '}
        <Link href="/settings/sso" className="font-medium text-brand-600 hover:underline">
          single sign-on
        </Link>{' '}
        through an OpenID Connect identity provider.
      </p>
      <p>
        The other organization settings (session lifetimes, SAML single sign-on, two-factor enforcement) are not
        built yet. Sessions currently end after 8 hours idle or 24 hours in all.
      </p>
    </NotBuiltYet>
  );
}
