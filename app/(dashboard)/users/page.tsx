import Link from 'next/link';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, Input, PageHeader, Select, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listGroups } from '@/lib/groups/reads';
import { listPendingInvites, listUsers, userFilterInput } from '@/lib/users/reads';
import { revokeInviteAction } from './actions';
import { InviteForm } from './invite-form';

export const metadata = { title: 'Users' };

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const fmt = (d: Date | null) => (d ? `${when.format(d)} UTC` : 'Never');

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'users' })) return <NoAccess title="Users" reason="Only admins can manage users." />;
  const filter = userFilterInput.parse(await searchParams);
  const [users, groups, invites] = await Promise.all([
    listUsers(viewer.orgId, filter),
    listGroups(viewer.orgId),
    listPendingInvites(viewer.orgId),
  ]);
  const joinable = groups.filter((g) => g.builtin !== 'all_users');
  return (
    <div className="space-y-6">
      <PageHeader title="Users" description={`${users.length} shown. Disabling a user ends all their sessions at once.`}>
        <a href="/api/internal/access-review" className="text-sm font-medium text-brand-600 hover:underline" download>
          Export access review (CSV)
        </a>
      </PageHeader>
      <Card title="Invite someone" description="They choose their own name and password from the link.">
        <InviteForm groups={joinable} />
        {invites.length ? (
          <ul className="mt-4 divide-y divide-slate-100 text-sm" data-testid="pending-invites">
            {invites.map((i) => (
              <li key={i.id} className="flex items-center justify-between py-2">
                <span>
                  {i.email} <span className="text-xs text-slate-500">· expires {fmt(i.expiresAt)}</span>
                </span>
                <ActionForm action={revokeInviteAction} submitLabel="Revoke" variant="danger" className="flex items-center gap-2">
                  <input type="hidden" name="inviteId" value={i.id} />
                </ActionForm>
              </li>
            ))}
          </ul>
        ) : null}
      </Card>
      <form className="flex flex-wrap items-center gap-2" role="search">
        <Input name="q" defaultValue={filter.q} placeholder="Search name or email" aria-label="Search users" className="w-64" />
        <Select name="status" defaultValue={filter.status ?? ''} aria-label="Status">
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </Select>
        <Select name="groupId" defaultValue={filter.groupId ?? ''} aria-label="Group">
          <option value="">Any group</option>
          {joinable.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </Select>
        <Select name="method" defaultValue={filter.method ?? ''} aria-label="Sign-in method">
          <option value="">Any sign-in method</option>
          <option value="password">Password</option>
          <option value="none">No password</option>
        </Select>
        <Select name="twoFactor" defaultValue={filter.twoFactor ?? ''} aria-label="Two-factor">
          <option value="">Two-factor on or off</option>
          <option value="on">Two-factor on</option>
          <option value="off">Two-factor off</option>
        </Select>
        <button className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm">Filter</button>
      </form>
      <Table testId="users-table">
        <thead>
          <tr>
            <Th>User</Th>
            <Th>Status</Th>
            <Th>Groups</Th>
            <Th>Sign-in</Th>
            <Th>Last login</Th>
            <Th>Last active</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <tr key={u.id} data-email={u.email}>
              <Td>
                <Link href={`/users/${u.id}`} className="font-medium text-brand-700 hover:underline">
                  {u.name || u.email}
                </Link>
                <div className="text-xs text-slate-500">{u.email}</div>
              </Td>
              <Td>{u.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}</Td>
              <Td className="text-slate-600">{u.groups.map((g) => g.name).join(', ') || '—'}</Td>
              <Td className="text-slate-600">
                {u.signInMethods.join(', ') || '—'} {u.twoFactor ? <Badge tone="green">2FA</Badge> : null}{' '}
                {u.provisionedBy ? <Badge tone="blue">SCIM: {u.provisionedBy}</Badge> : null}
              </Td>
              <Td className="whitespace-nowrap text-slate-600">{fmt(u.lastLoginAt)}</Td>
              <Td className="whitespace-nowrap text-slate-600">{fmt(u.lastActiveAt)}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
