import { notFound } from 'next/navigation';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Input, LevelBadge, LevelSelect, PageHeader, Select, Table, Td, Th } from '@/components/ui/fields';
import { Button } from '@/components/ui/button';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { can } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import type { ObjectKind } from '@/lib/authz/levels';
import { listGroups } from '@/lib/groups/reads';
import { KIND_LABEL } from '@/lib/objects/lookup';
import { getObject, listFolders, listObjectGrants } from '@/lib/objects/reads';
import { removeGrantAction } from '../groups/actions';
import { ImportAppForm } from '../apps/import-app-form';
import { ResourceConfigSection } from '../resources/resource-config-section';
import { deleteObjectAction, moveObjectAction, renameObjectAction, shareObjectAction } from './actions';

/** One app, resource or workflow: the viewer's level and why, and (for owners) rename, move, share, delete. */
export async function ObjectPage({ kind, params }: { kind: ObjectKind; params: Promise<{ objectId: string }> }) {
  const viewer = await requireViewer();
  const object = await getObject(viewer.orgId, kind, (await params).objectId);
  if (!object) notFound();
  const label = KIND_LABEL[kind];
  const target = { kind, id: object.id, folderId: object.folderId } as const;
  const decision = can(viewer.snapshot, 'view', target);
  if (!decision.allowed) return <NoAccess title={label.one[0]!.toUpperCase() + label.one.slice(1)} reason={explain(decision.because)} />;
  const own = allowed(viewer, 'share', target);
  const [grants, folders, groups] = own
    ? await Promise.all([listObjectGrants(viewer.orgId, object), listFolders(viewer.snapshot, kind), listGroups(viewer.orgId)])
    : [[], [], []];

  return (
    <div className="space-y-6">
      <PageHeader
        title={object.name}
        description={`${label.one[0]!.toUpperCase() + label.one.slice(1)}${object.folderName ? ` in ${object.folderName}` : ''}`}
      />
      <Card title="Your access">
        <p className="text-sm" data-testid="your-access">
          <LevelBadge level={decision.level} /> <span className="text-slate-600">{explain(decision.because)}</span>
        </p>
        {kind === 'app' ? (
          <p className="mt-3 text-sm text-slate-500">
            <a className="font-medium text-brand-700 hover:underline" href={`/apps/${object.id}/view`}>
              Open the app
            </a>{' '}
            (its newest release)
            {allowed(viewer, 'edit', { kind: 'app', id: object.id, folderId: object.folderId }) ? (
              <>
                {' · '}
                <a className="font-medium text-brand-700 hover:underline" href={`/apps/${object.id}/edit`}>
                  Edit the app
                </a>
              </>
            ) : null}
          </p>
        ) : null}
      </Card>
      {kind === 'resource' ? <ResourceConfigSection viewer={viewer} resource={object} /> : null}
      {kind === 'app' && allowed(viewer, 'export', { kind: 'app', id: object.id, folderId: object.folderId }) ? (
        <Card
          title="Export"
          description="Download the app as a JSON document to import into another organization or Gatehouse: its draft, and its releases if you choose. Resources appear by name only; no secret, id or resource setting is included."
        >
          <form method="post" action={`/api/apps/${object.id}/export`} className="flex flex-wrap items-center gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="checkbox" name="releases" value="1" /> Include release history
            </label>
            <Button type="submit" variant="secondary">
              Download export
            </Button>
          </form>
        </Card>
      ) : null}
      {kind === 'app' && allowed(viewer, 'edit', { kind: 'app', id: object.id, folderId: object.folderId }) ? (
        <Card
          title="Import a new draft"
          description="Replace this app's draft with an export document's. Each resource it names must exist here under the same name."
        >
          <ImportAppForm appId={object.id} />
        </Card>
      ) : null}
      {own ? (
        <>
          <Card title="Manage">
            <div className="flex flex-wrap items-center gap-4">
              <ActionForm action={renameObjectAction} submitLabel="Rename" variant="secondary" className="flex items-center gap-2">
                <input type="hidden" name="kind" value={kind} />
                <input type="hidden" name="objectId" value={object.id} />
                <Input name="name" defaultValue={object.name} aria-label="New name" />
              </ActionForm>
              <ActionForm action={moveObjectAction} submitLabel="Move" variant="secondary" className="flex items-center gap-2">
                <input type="hidden" name="kind" value={kind} />
                <input type="hidden" name="objectId" value={object.id} />
                <Select name="folderId" aria-label="Move to folder" defaultValue={object.folderId ?? ''}>
                  <option value="">No folder</option>
                  {folders.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </Select>
              </ActionForm>
              <ActionForm
                action={deleteObjectAction}
                submitLabel={`Delete ${label.one}`}
                variant="danger"
                confirm={`Delete ${object.name}?`}
                className="flex items-center gap-2"
              >
                <input type="hidden" name="kind" value={kind} />
                <input type="hidden" name="objectId" value={object.id} />
              </ActionForm>
            </div>
          </Card>
          <Card title="Sharing" description="Groups with access, directly or through the folder or a grant on every item of this kind.">
            <ActionForm action={shareObjectAction} submitLabel="Share" className="mb-4 flex items-center gap-2">
              <input type="hidden" name="kind" value={kind} />
              <input type="hidden" name="objectId" value={object.id} />
              <Select name="groupId" aria-label="Group" required defaultValue="">
                <option value="" disabled>
                  Choose a group…
                </option>
                {groups
                  .filter((g) => g.builtin !== 'admin')
                  .map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name}
                    </option>
                  ))}
              </Select>
              <LevelSelect />
            </ActionForm>
            <Table testId="sharing">
              <thead>
                <tr>
                  <Th>Group</Th>
                  <Th>Level</Th>
                  <Th>Through</Th>
                  <Th />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {grants.map((g) => (
                  <tr key={g.id} data-group={g.groupName}>
                    <Td>{g.groupName}</Td>
                    <Td>
                      <LevelBadge level={g.level} />
                    </Td>
                    <Td className="text-slate-600">
                      {g.scope === 'object' ? `this ${label.one}` : g.scope === 'folder' ? 'its folder' : `all ${label.many}`}
                      {g.environmentName ? ` (${g.environmentName} only)` : ''}
                    </Td>
                    <Td>
                      {g.scope === 'object' ? (
                        <ActionForm action={removeGrantAction} submitLabel="Remove" variant="danger" className="flex items-center gap-2">
                          <input type="hidden" name="grantId" value={g.id} />
                        </ActionForm>
                      ) : null}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        </>
      ) : null}
    </div>
  );
}
