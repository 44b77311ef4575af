import { cookies } from 'next/headers';
import Link from 'next/link';
import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { SSO_FAILURE_MESSAGES } from '@/lib/sso/sign-in';
import { openTestResult, SSO_TEST_COOKIE, type SsoTestOutcome } from '@/lib/sso/test-connection';

export const metadata = { title: 'SSO test' };

const OUTCOMES: Record<SsoTestOutcome, string> = {
  existing_user: 'Signs in as the linked user',
  jit_create: 'Creates a new user (just-in-time provisioning)',
  email_taken: 'Not signed in yet: an account with this email exists and is not linked to SSO; it can be linked with its password',
  unknown_user: 'Refused: unknown person and just-in-time provisioning is off',
  user_disabled: 'Refused: the linked user is disabled',
};

export default async function SsoTestPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="SSO test" reason="Only admins can test single sign-on." />;
  const result = await openTestResult((await cookies()).get(SSO_TEST_COOKIE)?.value);
  const { error } = await searchParams;
  const failure = result && !result.ok ? result.reason : error === 'idp_error' ? 'idp_error' : null;
  return (
    <div className="space-y-6">
      <PageHeader
        title="SSO connection test"
        description="What your identity provider sent, and what a real sign-in would do. Nobody was signed in and nothing was changed."
      >
        {result?.ok ? <Badge tone="green">Provider answered</Badge> : null}
      </PageHeader>
      {result?.ok ? (
        <Card title="Claims received">
          <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="sso-test-report">
            <dt className="text-slate-500">Subject</dt>
            <dd className="font-mono">{result.report.subject}</dd>
            <dt className="text-slate-500">Email</dt>
            <dd>{result.report.email ?? '(none)'}</dd>
            <dt className="text-slate-500">Name</dt>
            <dd>{result.report.name || '(none)'}</dd>
            <dt className="text-slate-500">Groups</dt>
            <dd>{result.report.groups.length ? result.report.groups.join(', ') : '(none)'}</dd>
            <dt className="text-slate-500">All claim names</dt>
            <dd className="font-mono text-xs">{result.report.claimNames.join(' ')}</dd>
            {result.report.accessTokenClaimNames?.length ? (
              <>
                <dt className="text-slate-500">Access token claim names</dt>
                <dd className="font-mono text-xs">{result.report.accessTokenClaimNames.join(' ')}</dd>
              </>
            ) : null}
            <dt className="text-slate-500">Outcome</dt>
            <dd data-testid="sso-test-outcome">{OUTCOMES[result.report.outcome]}</dd>
            <dt className="text-slate-500">Gatehouse user</dt>
            <dd>{result.report.user?.email ?? (result.report.outcome === 'jit_create' ? '(new)' : '(none)')}</dd>
            <dt className="text-slate-500">Permission groups</dt>
            <dd>{result.report.mappedGroups.length ? result.report.mappedGroups.join(', ') : '(none mapped)'}</dd>
          </dl>
        </Card>
      ) : (
        <Card title={failure ? 'The test failed' : 'No test result'}>
          <p className="text-sm text-slate-700" data-testid="sso-test-error">
            {failure
              ? SSO_FAILURE_MESSAGES[failure]
              : 'Start a test from the Single sign-on settings; results are kept for five minutes in this browser.'}
          </p>
          {failure ? (
            <p className="mt-2 text-sm text-slate-700">
              Reason code:{' '}
              <code className="font-mono" data-testid="sso-test-reason">
                {failure}
              </code>
            </p>
          ) : null}
        </Card>
      )}
      <Link href="/settings/sso" className="text-sm font-medium text-brand-600 hover:underline">
        Back to Single sign-on
      </Link>
    </div>
  );
}
