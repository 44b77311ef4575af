import Link from 'next/link';
import { NoAccess } from '@/components/dashboard/no-access';
import { PageHeader } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';

export const metadata = { title: 'Settings' };

/** The organization's settings pages, grouped; one line each on what they are for. */
const SECTIONS: { heading: string; pages: { href: string; title: string; description: string }[] }[] = [
  {
    heading: 'Sign-in and identity',
    pages: [
      {
        href: '/settings/authentication',
        title: 'Authentication',
        description: 'Require two-factor authentication for everyone in the organization.',
      },
      {
        href: '/settings/sessions',
        title: 'Sessions',
        description: 'How long a sign-in lasts: the idle and absolute limits of every session.',
      },
      {
        href: '/settings/sso',
        title: 'Single sign-on',
        description: 'Sign in through your OpenID Connect identity provider, with just-in-time users and group mapping.',
      },
      {
        href: '/settings/scim',
        title: 'SCIM provisioning',
        description: 'Let Okta, Microsoft Entra ID or another identity provider manage users and groups.',
      },
    ],
  },
  {
    heading: 'Resources',
    pages: [
      {
        href: '/settings/environments',
        title: 'Environments',
        description: 'Production, staging and your own: each resource keeps one configuration per environment.',
      },
      {
        href: '/settings/config-vars',
        title: 'Config variables',
        description: 'Values per environment for resource configuration; secret ones are encrypted and write-only.',
      },
    ],
  },
  {
    heading: 'Audit',
    pages: [
      {
        href: '/settings/audit-streaming',
        title: 'Audit streaming',
        description: 'Send every audit event to Datadog, Splunk or a signed webhook.',
      },
      {
        href: '/settings/audit-retention',
        title: 'Audit retention',
        description: 'How long audit events are kept, and a legal hold that stops deletion.',
      },
    ],
  },
  {
    heading: 'Developers',
    pages: [{ href: '/settings/api-tokens', title: 'API tokens', description: 'Scoped tokens for the public REST API.' }],
  },
];

export default async function SettingsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Settings" reason="Only admins can manage settings." />;
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="How your organization signs in, reaches its data, and keeps its audit trail." />
      {SECTIONS.map((section, i) => (
        <section key={section.heading} aria-labelledby={`settings-${i}`}>
          <h2 id={`settings-${i}`} className="mb-2 text-sm font-semibold text-slate-500 uppercase">
            {section.heading}
          </h2>
          <ul className="grid gap-3 sm:grid-cols-2">
            {section.pages.map((p) => (
              <li key={p.href} className="rounded-lg border border-slate-200 bg-white p-4">
                <Link href={p.href} className="font-medium text-brand-600 hover:underline">
                  {p.title}
                </Link>
                <p className="mt-1 text-sm text-slate-600">{p.description}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
