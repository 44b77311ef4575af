import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { redirect } from 'next/navigation';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { landingApp } from '@/lib/users/workspace';

export default async function HomePage() {
  const viewer = await requireViewer();
  const { org, user, snapshot } = viewer;
  const workspace = await landingApp(snapshot);
  // Users who only use apps land in their workspace app itself, as its users see it.
  if (workspace) redirect(`/apps/${workspace}/view`);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Welcome, {user.firstName || user.email}</h1>
        <p className="mt-1 text-sm text-slate-600">You are signed in to {org.name}.</p>
      </div>
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
