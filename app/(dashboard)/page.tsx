import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { redirect } from 'next/navigation';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { setupProgress, type SetupProgress } from '@/lib/orgs/reads';
import { landingApp } from '@/lib/users/workspace';

export default async function HomePage() {
  const viewer = await requireViewer();
  const { org, user, snapshot } = viewer;
  const workspace = await landingApp(snapshot);
  // Users who only use apps land in their workspace app itself, as its users see it.
  if (workspace) redirect(`/apps/${workspace}/view`);
  const admin = allowed(viewer, 'manage', { kind: 'org', area: 'settings' });
  const progress = admin ? await setupProgress(org.id) : null;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Welcome, {user.firstName || user.email}</h1>
        <p className="mt-1 text-sm text-slate-600">You are signed in to {org.name}.</p>
      </div>
      {progress ? <NextSteps progress={progress} /> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Your account" description="See where you are signed in and end sessions you do not recognise.">
          <Link href="/account" className="text-sm font-medium text-brand-600 hover:underline">
            Review your sessions
          </Link>
        </Card>
        {/* Only where the audit log opens for this user: no link to a page that says No access. */}
        {allowed(viewer, 'view', { kind: 'org', area: 'audit_log' }) ? (
          <Card title="Audit log" description="Every sign-in, sign-out and change in your organization is recorded.">
            <Link href="/audit" className="text-sm font-medium text-brand-600 hover:underline">
              Open the audit log
            </Link>
          </Card>
        ) : null}
      </div>
    </div>
  );
}

/** An admin's first steps, each ticked once done; gone when all are. */
function NextSteps({ progress }: { progress: SetupProgress }) {
  const steps = [
    {
      done: progress.resources > 0,
      href: '/resources',
      title: 'Connect a resource',
      hint: 'A Postgres database or a REST API, or the sample database to try things.',
    },
    {
      done: progress.apps > 0,
      href: '/apps',
      title: 'Build an app',
      hint: 'Pages of tables, inputs and buttons over your queries; release it to its users.',
    },
    {
      done: progress.people > 1,
      href: '/users',
      title: 'Invite your team',
      hint: 'Invite people by email, or let your identity provider provision them with SCIM.',
    },
    {
      done: progress.sso,
      href: '/settings/sso',
      title: 'Set up single sign-on',
      hint: 'SAML or OpenID Connect, and enforce it for everyone.',
    },
    {
      done: progress.streaming,
      href: '/settings/audit-streaming',
      title: 'Stream the audit log',
      hint: 'Send every event to Datadog, Splunk or a webhook.',
    },
  ];
  if (steps.every((s) => s.done)) return null;
  return (
    <Card title="Next steps" description="Set up your organization; each step is ticked once it is done.">
      <ol className="space-y-3 text-sm" data-testid="next-steps">
        {steps.map((s) => (
          <li key={s.href} className="flex items-start gap-3" data-done={s.done}>
            <span
              aria-hidden="true"
              className={`mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full border text-xs ${s.done ? 'border-green-600 bg-green-600 text-white' : 'border-slate-300 text-slate-400'}`}
            >
              {s.done ? '✓' : ''}
            </span>
            <span>
              <Link href={s.href} className="font-medium text-brand-700 hover:underline">
                {s.title}
              </Link>
              {s.done ? <span className="sr-only"> (done)</span> : null}
              <span className="block text-slate-600">{s.hint}</span>
            </span>
          </li>
        ))}
      </ol>
    </Card>
  );
}
