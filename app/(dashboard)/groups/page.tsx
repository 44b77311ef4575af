import Link from 'next/link';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, Input, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listGroups } from '@/lib/groups/reads';
import { createGroupAction } from './actions';

export const metadata = { title: 'Groups' };

export default async function GroupsPage() {
  const viewer = await requireViewer();
  const manage = allowed(viewer, 'manage', { kind: 'org', area: 'groups' });
  const mine = new Set(viewer.snapshot.groups.filter((g) => g.isGroupAdmin).map((g) => g.id));
  const groups = (await listGroups(viewer.orgId)).filter((g) => manage || mine.has(g.id));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Permission groups"
        description="Groups grant Use, Edit or Own on apps, resources and workflows — on one item, a folder, or all of a kind. A user’s access is the highest any of their groups gives."
      />
      {manage ? (
        <Card title="New group">
          <ActionForm action={createGroupAction} submitLabel="Create group" resetOnSuccess className="flex items-center gap-2">
            <Input name="name" placeholder="Support" aria-label="Group name" required />
          </ActionForm>
        </Card>
      ) : groups.length === 0 ? (
        <Card title="No groups to manage">
          <p className="text-sm text-slate-600">Only admins and group admins manage permission groups.</p>
        </Card>
      ) : null}
      {groups.length ? (
        <Table testId="groups-table">
          <thead>
            <tr>
              <Th>Group</Th>
              <Th>Members</Th>
              <Th>Grants</Th>
              <Th>Query library</Th>
              <Th>Audit log</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {groups.map((g) => (
              <tr key={g.id} data-group={g.name}>
                <Td>
                  <Link href={`/groups/${g.id}`} className="font-medium text-brand-700 hover:underline">
                    {g.name}
                  </Link>{' '}
                  {g.builtin ? <Badge>built-in</Badge> : null}
                </Td>
                <Td>{g.members}</Td>
                <Td>{g.builtin === 'admin' ? 'everything' : g.grants}</Td>
                <Td>{g.builtin === 'admin' ? 'edit' : g.queryLibraryAccess}</Td>
                <Td>{g.builtin === 'admin' || g.auditLogAccess ? 'view' : '—'}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}
