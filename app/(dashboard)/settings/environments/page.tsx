import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { ColorDot } from '@/components/ui/color-dot';
import { Badge, Input, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listEnvironments } from '@/lib/environments/reads';
import { servesEnvironment } from '@/lib/environments/served';
import { createEnvironmentAction, deleteEnvironmentAction, updateEnvironmentAction } from './actions';

export const metadata = { title: 'Environments' };

export default async function EnvironmentsPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Environments" reason="Only admins can manage environments." />;
  const environments = await listEnvironments(viewer.orgId);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Environments"
        description="Each resource has one configuration per environment, and config variables have a value per environment. Apps run against production unless an editor picks another."
      />
      <Table testId="environments">
        <thead>
          <tr>
            <Th>Environment</Th>
            <Th>Name and colour</Th>
            <Th />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {environments.map((e) => (
            <tr key={e.id} data-environment={e.name}>
              <Td>
                <span className="inline-flex items-center gap-2">
                  <ColorDot color={e.color} className="h-3 w-3" />
                  <span className="font-medium">{e.name}</span>
                  {e.isDefault ? <Badge tone="green">default</Badge> : null}
                  {servesEnvironment(e.name) ? null : <Badge tone="amber">served by another instance</Badge>}
                </span>
              </Td>
              <Td>
                <ActionForm action={updateEnvironmentAction} submitLabel="Save" variant="secondary" className="flex items-center gap-2">
                  <input type="hidden" name="environmentId" value={e.id} />
                  {e.isDefault ? (
                    <input type="hidden" name="name" value={e.name} />
                  ) : (
                    <Input name="name" defaultValue={e.name} aria-label={`Name of ${e.name}`} />
                  )}
                  <Input name="color" type="color" defaultValue={e.color} aria-label={`Colour of ${e.name}`} className="h-9 w-14 p-1" />
                </ActionForm>
              </Td>
              <Td>
                {e.isDefault ? (
                  <span className="text-xs text-slate-500">cannot be renamed or deleted</span>
                ) : (
                  <ActionForm
                    action={deleteEnvironmentAction}
                    submitLabel="Delete"
                    variant="danger"
                    confirm={`Delete ${e.name}? Every resource configuration and variable value in it is deleted too.`}
                  >
                    <input type="hidden" name="environmentId" value={e.id} />
                  </ActionForm>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Card title="Add an environment">
        <ActionForm
          action={createEnvironmentAction}
          submitLabel="Add environment"
          resetOnSuccess
          className="flex flex-wrap items-center gap-3 text-sm"
        >
          <label className="flex items-center gap-2">
            Environment name
            <Input name="name" placeholder="e.g. qa" />
          </label>
          <label className="flex items-center gap-2">
            Colour
            <Input name="color" type="color" defaultValue="#2563eb" className="h-9 w-14 p-1" />
          </label>
        </ActionForm>
      </Card>
    </div>
  );
}
