import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, Input, LevelBadge, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { explain } from '@/lib/authz/explain';
import { listActiveSessions } from '@/lib/sessions/reads';
import { effectiveAccess, getUser, userAuditTrail } from '@/lib/users/reads';
import { twoFactorStatus } from '@/lib/auth/two-factor';
import { SessionSummary } from '@/components/sessions/session-summary';
import {
  disableUserAction,
  enableUserAction,
  resetTwoFactorAction,
  revokeAllUserSessionsAction,
  revokeUserSessionAction,
} from '../actions';

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'users' })) return <NoAccess title="User" reason="Only admins can manage users." />;
  const { userId } = await params;
  const user = await getUser(viewer.orgId, userId);
  if (!user) notFound();
  const [access, sessions, trail, twoFactor] = await Promise.all([
    effectiveAccess(viewer.orgId, user.id),
    listActiveSessions(viewer.orgId, user.id),
    userAuditTrail(viewer.orgId, user.id),
    twoFactorStatus(viewer.orgId, user.id),
  ]);
  const self = user.id === viewer.userId;
  return (
    <div className="space-y-6">
      <PageHeader title={user.name || user.email} description={user.email}>
        <div className="flex items-center gap-3">
          {user.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}
          {self ? null : user.disabled ? (
            <ActionForm action={enableUserAction} submitLabel="Enable user" variant="secondary" className="flex items-center gap-2">
              <input type="hidden" name="userId" value={user.id} />
            </ActionForm>
          ) : (
            <ActionForm
              action={disableUserAction}
              submitLabel="Disable user"
              variant="danger"
              confirm={`Disable ${user.email}? Their sessions end immediately.`}
              className="flex items-center gap-2"
            >
              <input type="hidden" name="userId" value={user.id} />
            </ActionForm>
          )}
        </div>
      </PageHeader>
      {user.provisionedBy ? (
        <p className="rounded-md border border-blue-200 bg-blue-50 p-3 text-sm text-blue-900" data-testid="provisioned-note">
          Provisioned by the SCIM directory <strong>{user.provisionedBy}</strong>. Name, email and group memberships come from your identity
          provider and are read-only here; change them there. Disabling here takes effect at once.
        </p>
      ) : null}
      <Card title="Groups">
        <p className="text-sm">
          All Users
          {user.groups.map((g) => (
            <span key={g.id}>
              {', '}
              <Link href={`/groups/${g.id}`} className="text-brand-700 hover:underline">
                {g.name}
              </Link>
            </span>
          ))}
        </p>
      </Card>
      <Card title="Two-factor authentication">
        <div data-testid="user-two-factor" className="flex flex-wrap items-center gap-3 text-sm">
          {twoFactor.enabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>}
          {twoFactor.enabled && !self ? (
            <ActionForm
              action={resetTwoFactorAction}
              submitLabel="Reset two-factor"
              variant="danger"
              confirm={`Reset two-factor for ${user.email}? Their sessions and API tokens are revoked; they set up a new authenticator at their next sign-in if your organization requires it.`}
              className="flex flex-wrap items-center gap-2"
            >
              <input type="hidden" name="userId" value={user.id} />
              <Input name="reason" aria-label="Reason for the reset" placeholder="Reason (e.g. lost phone)" className="w-64" />
            </ActionForm>
          ) : null}
        </div>
      </Card>
      <Card title="Effective access" description="What this user can reach, and the group and grant that gives it.">
        {access.length === 0 ? (
          <p className="text-sm text-slate-600">No access to any app, resource or workflow.</p>
        ) : (
          <Table testId="effective-access">
            <thead>
              <tr>
                <Th>Kind</Th>
                <Th>Name</Th>
                <Th>Level</Th>
                <Th>Why</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {access.map((a) => (
                <tr key={a.id} data-name={a.name}>
                  <Td className="text-slate-600">{a.kind}</Td>
                  <Td>{a.name}</Td>
                  <Td>
                    <LevelBadge level={a.level} />
                  </Td>
                  <Td className="text-slate-600">{explain(a.because)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <Card
        title="Sessions"
        description="Where this user is signed in, most recently active first. A revoked session stops working at its next request."
      >
        {sessions.length === 0 ? (
          <p className="text-sm text-slate-600">No active sessions.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="user-sessions">
            {sessions.map((s) => (
              <li key={s.id} className="flex items-center justify-between gap-4 py-3" data-session-id={s.id}>
                <SessionSummary session={s} current={s.id === viewer.sessionId} />
                {s.id === viewer.sessionId ? null : (
                  <ActionForm action={revokeUserSessionAction} submitLabel="Revoke" variant="danger" className="flex items-center gap-2">
                    <input type="hidden" name="userId" value={user.id} />
                    <input type="hidden" name="sessionId" value={s.id} />
                  </ActionForm>
                )}
              </li>
            ))}
          </ul>
        )}
        {self ? (
          <p className="mt-4 border-t border-slate-100 pt-4 text-sm text-slate-600">
            To end all your own sessions, use{' '}
            <Link href="/account" className="text-brand-700 hover:underline">
              Sign out everywhere
            </Link>{' '}
            on your account page.
          </p>
        ) : sessions.length > 0 ? (
          <ActionForm
            action={revokeAllUserSessionsAction}
            submitLabel="Sign out everywhere"
            variant="danger"
            confirm={`Sign ${user.email} out of every session? Their API tokens keep working.`}
            className="mt-4 flex items-center gap-2 border-t border-slate-100 pt-4"
          >
            <input type="hidden" name="userId" value={user.id} />
          </ActionForm>
        ) : null}
      </Card>
      <Card title="Audit trail" description="What this user did, and what was done to them.">
        <ul className="divide-y divide-slate-100 text-sm" data-testid="user-audit">
          {trail.map((e) => (
            <li key={e.id} className="flex gap-4 py-1.5" data-action={e.actionType}>
              <span className="w-44 shrink-0 text-slate-500">{when.format(e.createdAt)} UTC</span>
              <span className="w-56 shrink-0 font-mono text-xs font-semibold">{e.actionType}</span>
              <span className="truncate text-slate-600">{e.actorEmail && e.actorEmail !== user.email ? `by ${e.actorEmail}` : ''}</span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
