import { notFound } from 'next/navigation';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, Input, LevelBadge, LevelSelect, PageHeader, Select, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listEnvironments } from '@/lib/environments/reads';
import { getGroupDetail } from '@/lib/groups/reads';
import { listAllTargets } from '@/lib/objects/reads';
import { listUsers } from '@/lib/users/reads';
import {
  addMemberAction,
  deleteGroupAction,
  removeGrantAction,
  removeMemberAction,
  setGrantAction,
  setGroupAdminAction,
  updateGroupAction,
} from '../actions';

const KINDS = [
  ['app', 'apps'],
  ['resource', 'resources'],
  ['workflow', 'workflows'],
] as const;

export default async function GroupPage({ params }: { params: Promise<{ groupId: string }> }) {
  const viewer = await requireViewer();
  const { groupId } = await params;
  const manage = allowed(viewer, 'manage', { kind: 'org', area: 'groups' });
  if (!manage && !allowed(viewer, 'manage_members', { kind: 'group', id: groupId })) {
    return <NoAccess title="Group" reason="Only admins and this group’s group admins can manage it." />;
  }
  const group = await getGroupDetail(viewer.orgId, groupId);
  if (!group) notFound();
  const [people, targets, environments] = await Promise.all([
    listUsers(viewer.orgId),
    manage ? listAllTargets(viewer.orgId) : null,
    manage ? listEnvironments(viewer.orgId) : [],
  ]);
  const memberIds = new Set(group.memberList.map((m) => m.userId));
  const candidates = people.filter((p) => !memberIds.has(p.id));
  const apps = targets?.objects.filter((o) => o.kind === 'app') ?? [];

  return (
    <div className="space-y-6">
      <PageHeader
        title={group.name}
        description={
          group.builtin === 'admin'
            ? 'Admins own everything and manage users, groups and settings.'
            : group.builtin === 'all_users'
              ? 'Everyone in the organization is in this group. It grants nothing unless you add grants.'
              : undefined
        }
      >
        {manage && !group.builtin && !group.provisionedBy ? (
          <ActionForm
            action={deleteGroupAction}
            submitLabel="Delete group"
            variant="danger"
            confirm={`Delete ${group.name}? Its members lose what it grants.`}
            className="flex items-center gap-2"
          >
            <input type="hidden" name="groupId" value={group.id} />
          </ActionForm>
        ) : null}
      </PageHeader>

      {group.provisionedBy ? (
        <p className="rounded-md border border-blue-200 bg-blue-50 p-3 text-sm text-blue-900" data-testid="provisioned-note">
          Managed by the SCIM directory <strong>{group.provisionedBy}</strong>: its name and members come from your identity provider and
          are read-only here. What the group grants is still set here.
        </p>
      ) : null}

      {manage ? (
        <Card title="Settings">
          <ActionForm
            action={updateGroupAction}
            submitLabel="Save"
            className="grid max-w-xl grid-cols-[10rem_1fr] items-center gap-3 text-sm"
          >
            <input type="hidden" name="groupId" value={group.id} />
            <label htmlFor="g-name">Name</label>
            <Input id="g-name" name="name" defaultValue={group.name} readOnly={Boolean(group.builtin || group.provisionedBy)} />
            {group.builtin === 'admin' ? (
              // Admins have every access whatever is stored: say so instead of offering switches that do nothing.
              <>
                <input type="hidden" name="queryLibraryAccess" value={group.queryLibraryAccess} />
                {group.auditLogAccess ? <input type="hidden" name="auditLogAccess" value="on" /> : null}
                <span>Query library</span>
                <span data-testid="admin-query-library">Edit (admins have every access)</span>
                <span>Audit log</span>
                <span data-testid="admin-audit-log">Yes (admins have every access)</span>
              </>
            ) : (
              <>
                <label htmlFor="g-ql">Query library</label>
                <Select id="g-ql" name="queryLibraryAccess" defaultValue={group.queryLibraryAccess}>
                  <option value="none">No access</option>
                  <option value="view">View</option>
                  <option value="edit">Edit</option>
                </Select>
                <label htmlFor="g-audit">Audit log</label>
                <span>
                  <input id="g-audit" type="checkbox" name="auditLogAccess" defaultChecked={group.auditLogAccess} /> Members may view the
                  audit log
                </span>
              </>
            )}
            <label htmlFor="g-home">Workspace homepage</label>
            <Select id="g-home" name="homepageAppId" defaultValue={group.homepageAppId ?? ''}>
              <option value="">None</option>
              {apps.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </Select>
            <span />
          </ActionForm>
        </Card>
      ) : null}

      <Card title="Members" description={group.builtin === 'all_users' ? 'Membership is implicit: every user.' : undefined}>
        {group.builtin === 'all_users' ? null : (
          <>
            {group.provisionedBy ? null : (
              <ActionForm action={addMemberAction} submitLabel="Add member" className="mb-4 flex items-center gap-2">
                <input type="hidden" name="groupId" value={group.id} />
                <Select name="userId" aria-label="User to add" required defaultValue="">
                  <option value="" disabled>
                    Choose a user…
                  </option>
                  {candidates.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.email}
                    </option>
                  ))}
                </Select>
              </ActionForm>
            )}
            <ul className="divide-y divide-slate-100 text-sm" data-testid="members">
              {group.memberList.map((m) => (
                <li key={m.userId} className="flex items-center justify-between gap-4 py-2" data-email={m.email}>
                  <span>
                    {m.name || m.email} <span className="text-xs text-slate-500">{m.email}</span>{' '}
                    {m.disabled ? <Badge tone="red">Disabled</Badge> : null}{' '}
                    {m.isGroupAdmin ? <Badge tone="blue">group admin</Badge> : null}
                  </span>
                  <span className="flex items-center gap-2">
                    {manage && !group.builtin ? (
                      <ActionForm
                        action={setGroupAdminAction}
                        submitLabel={m.isGroupAdmin ? 'Remove group admin' : 'Make group admin'}
                        variant="secondary"
                        className="flex items-center gap-2"
                      >
                        <input type="hidden" name="groupId" value={group.id} />
                        <input type="hidden" name="userId" value={m.userId} />
                        {m.isGroupAdmin ? null : <input type="hidden" name="isGroupAdmin" value="true" />}
                      </ActionForm>
                    ) : null}
                    {group.provisionedBy ? null : (
                      <ActionForm action={removeMemberAction} submitLabel="Remove" variant="danger" className="flex items-center gap-2">
                        <input type="hidden" name="groupId" value={group.id} />
                        <input type="hidden" name="userId" value={m.userId} />
                      </ActionForm>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>

      {manage && group.builtin !== 'admin' && targets ? (
        <Card title="Access" description="Grants on a folder apply to everything in it; “all” applies to every item of that kind.">
          <ActionForm action={setGrantAction} submitLabel="Grant" className="mb-4 flex flex-wrap items-center gap-2">
            <input type="hidden" name="groupId" value={group.id} />
            <Select name="target" aria-label="Grant access to" required defaultValue="">
              <option value="" disabled>
                Grant access to…
              </option>
              {KINDS.map(([kind, plural]) => (
                <optgroup key={kind} label={plural[0]!.toUpperCase() + plural.slice(1)}>
                  <option value={`${kind}:kind:`}>All {plural}</option>
                  {targets.folders
                    .filter((f) => f.kind === kind)
                    .map((f) => (
                      <option key={f.id} value={`${kind}:folder:${f.id}`}>
                        Folder: {f.name}
                      </option>
                    ))}
                  {targets.objects
                    .filter((o) => o.kind === kind)
                    .map((o) => (
                      <option key={o.id} value={`${kind}:object:${o.id}`}>
                        {o.name}
                      </option>
                    ))}
                </optgroup>
              ))}
            </Select>
            <LevelSelect />
            <Select name="environmentId" aria-label="In environment" defaultValue="">
              <option value="">in every environment</option>
              {environments.map((e) => (
                <option key={e.id} value={e.id}>
                  in {e.name} only
                </option>
              ))}
            </Select>
          </ActionForm>
          <Table testId="grants">
            <thead>
              <tr>
                <Th>Kind</Th>
                <Th>Target</Th>
                <Th>Level</Th>
                <Th />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {group.grantList.map((g) => (
                <tr key={g.id}>
                  <Td className="text-slate-600">{g.objectKind}</Td>
                  <Td>
                    {g.scope === 'kind' ? `All ${g.objectKind}s` : g.scope === 'folder' ? `Folder: ${g.targetName}` : g.targetName}
                    {g.environmentName ? <span className="ml-2 text-xs text-slate-500">({g.environmentName} only)</span> : null}
                  </Td>
                  <Td>
                    <LevelBadge level={g.level} />
                  </Td>
                  <Td>
                    <ActionForm action={removeGrantAction} submitLabel="Revoke" variant="danger" className="flex items-center gap-2">
                      <input type="hidden" name="grantId" value={g.id} />
                    </ActionForm>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      ) : null}
    </div>
  );
}
