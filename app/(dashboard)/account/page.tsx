import { Card } from '@/components/ui/card';
import { ActionForm } from '@/components/form/action-form';
import { Select } from '@/components/ui/fields';
import { requireViewer } from '@/lib/auth/viewer';
import { workspaceOptions } from '@/lib/users/workspace';
import { listActiveSessions } from '@/lib/sessions/reads';
import { pendingEnrollment, twoFactorStatus } from '@/lib/auth/two-factor';
import { getOrganizationSettings } from '@/lib/orgs/reads';
import { getUser } from '@/lib/users/reads';
import { EnrollmentSetup } from '@/components/auth/enrollment-setup';
import { SessionSummary } from '@/components/sessions/session-summary';
import { Input } from '@/components/ui/fields';
import {
  disableTwoFactorAction,
  revokeSessionAction,
  setWorkspaceAction,
  signOutEverywhereAction,
  startTwoFactorEnrollmentAction,
} from './actions';
import { ChangePasswordForm } from './password-form';
import { ConfirmEnrollmentForm, RegenerateRecoveryCodesForm } from './two-factor-forms';

export const metadata = { title: 'Your account' };

export default async function AccountPage() {
  const session = await requireViewer();
  const [sessions, workspaces, twoFactor, settings, row] = await Promise.all([
    listActiveSessions(session.orgId, session.userId),
    workspaceOptions(session.snapshot),
    twoFactorStatus(session.orgId, session.userId),
    getOrganizationSettings(session.orgId),
    getUser(session.orgId, session.userId),
  ]);
  const { user, org } = session;
  const enrollment = twoFactor.pending
    ? await pendingEnrollment(org.id, user.id, { email: user.email, issuer: `Gatehouse (${org.slug})` })
    : null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <Card title="Profile">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-slate-500">Name</dt>
          <dd>{[user.firstName, user.lastName].filter(Boolean).join(' ') || '—'}</dd>
          <dt className="text-slate-500">Email</dt>
          <dd>{user.email}</dd>
          <dt className="text-slate-500">Organization</dt>
          <dd>
            {org.name} <span className="font-mono text-xs text-slate-500">({org.slug})</span>
          </dd>
        </dl>
      </Card>
      {workspaces.length > 1 ? (
        <Card title="Workspace" description="The app you land on after signing in. Your groups offer several.">
          <ActionForm action={setWorkspaceAction} submitLabel="Switch workspace" className="flex items-center gap-2">
            <Select name="groupId" aria-label="Workspace" defaultValue={workspaces.find((w) => w.chosen)?.groupId}>
              {workspaces.map((w) => (
                <option key={w.groupId} value={w.groupId}>
                  {w.appName} ({w.groupName})
                </option>
              ))}
            </Select>
          </ActionForm>
        </Card>
      ) : null}
      <Card
        title="Two-factor authentication"
        description="A code from an authenticator app (Google Authenticator, 1Password, Authy…) is asked for after your password."
      >
        <div data-testid="two-factor" className="space-y-4 text-sm">
          {twoFactor.enabled ? (
            <>
              <p>
                <span className="rounded bg-green-100 px-1.5 py-0.5 text-xs font-medium text-green-800">On</span>{' '}
                {twoFactor.recoveryCodesLeft} recovery code{twoFactor.recoveryCodesLeft === 1 ? '' : 's'} left.
              </p>
              <RegenerateRecoveryCodesForm />
              {settings.requireTwoFactor ? (
                <p className="text-slate-600">Your organization requires two-factor authentication, so it cannot be turned off here.</p>
              ) : (
                <ActionForm
                  action={disableTwoFactorAction}
                  submitLabel="Turn off two-factor"
                  variant="danger"
                  className="flex flex-wrap items-center gap-2"
                >
                  <Input
                    name="password"
                    type="password"
                    aria-label="Password to turn off two-factor"
                    placeholder="Password"
                    autoComplete="current-password"
                    className="w-48"
                  />
                  <Input
                    name="code"
                    aria-label="Code to turn off two-factor"
                    placeholder="Current code"
                    autoComplete="one-time-code"
                    className="w-40"
                  />
                </ActionForm>
              )}
            </>
          ) : enrollment ? (
            <ConfirmEnrollmentForm setup={<EnrollmentSetup enrollment={enrollment} />} />
          ) : (
            <ActionForm action={startTwoFactorEnrollmentAction} submitLabel="Set up two-factor authentication" />
          )}
        </div>
      </Card>
      {row?.signInMethods.includes('password') ? (
        <Card title="Password" description="Changing your password signs you out of every other session.">
          <ChangePasswordForm />
        </Card>
      ) : null}
      <Card
        title="Sessions"
        description="Where you are signed in. Revoke any session you do not recognise; it stops working on its next request."
      >
        <ul className="divide-y divide-slate-100" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-4 py-3" data-session-id={s.id}>
              <SessionSummary session={s} current={s.id === session.sessionId} />
              {s.id === session.sessionId ? null : (
                <ActionForm action={revokeSessionAction} submitLabel="Revoke" variant="danger" className="flex items-center gap-2">
                  <input type="hidden" name="sessionId" value={s.id} />
                </ActionForm>
              )}
            </li>
          ))}
        </ul>
        <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4 text-sm">
          <ActionForm
            action={signOutEverywhereAction}
            submitLabel="Sign out everywhere"
            variant="danger"
            confirm="Sign out of every session, this one included? You will sign in again here."
            className="flex items-center gap-2"
          />
          <p className="text-slate-600">Ends all your sessions, this one included: for a lost device, or a shared computer you forgot.</p>
        </div>
      </Card>
    </div>
  );
}
