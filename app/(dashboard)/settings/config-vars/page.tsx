import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { ColorDot } from '@/components/ui/color-dot';
import { Badge, Input, PageHeader } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listEnvironments } from '@/lib/environments/reads';
import { servesEnvironment } from '@/lib/environments/served';
import { listConfigVariables } from '@/lib/secrets/config-vars';
import { createConfigVariableAction, deleteConfigVariableAction } from './actions';
import { UpdateVariableForm } from './forms';

export const metadata = { title: 'Config variables' };

export default async function ConfigVariablesPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Config variables" reason="Only admins can manage config variables." />;
  const [environments, variables] = await Promise.all([listEnvironments(viewer.orgId), listConfigVariables(viewer.orgId)]);
  const row = 'grid grid-cols-[10rem_1fr] items-center gap-3 text-sm';
  return (
    <div className="space-y-6">
      <PageHeader
        title="Config variables"
        description={
          <>
            Values per environment, used in resource configuration as <code>{'{{ environment.variables.NAME }}'}</code>. Secret values are
            encrypted, never shown again, and usable only inside resource configuration.
          </>
        }
      />
      <div className="space-y-4" data-testid="config-vars">
        {variables.map((v) => (
          <Card key={v.id} title={v.name}>
            <div className="mb-3 flex items-center gap-2" data-variable={v.name}>
              {v.secret ? <Badge tone="amber">secret</Badge> : <Badge>plain</Badge>}
              {v.description ? <span className="text-sm text-slate-600">{v.description}</span> : null}
            </div>
            <UpdateVariableForm>
              <input type="hidden" name="variableId" value={v.id} />
              <label className={row}>
                Description
                <Input name="description" defaultValue={v.description} />
              </label>
              {environments.map((e) => {
                const current = v.values[e.id];
                return (
                  <div key={e.id} className={row}>
                    <label htmlFor={`v-${v.id}-${e.id}`} className="flex items-center gap-2">
                      <ColorDot color={e.color} />
                      {e.name}
                    </label>
                    <span className="flex items-center gap-3">
                      {!servesEnvironment(e.name) ? (
                        // No field: the value is neither shown nor sent back from this instance.
                        <span className="text-xs text-slate-500" data-not-served>
                          {current?.set ? 'set' : 'not set'} · served by another instance, which shows and changes it
                        </span>
                      ) : v.secret ? (
                        <>
                          <Input
                            id={`v-${v.id}-${e.id}`}
                            name={`value_${e.id}`}
                            type="password"
                            autoComplete="new-password"
                            placeholder={current?.set ? 'set — leave blank to keep' : 'not set'}
                            aria-label={`${v.name} in ${e.name}`}
                            className="w-full"
                          />
                          {current?.set ? (
                            <label className="flex shrink-0 items-center gap-1 text-xs text-slate-600">
                              <input type="checkbox" name={`clear_${e.id}`} /> clear
                            </label>
                          ) : null}
                        </>
                      ) : (
                        <Input
                          id={`v-${v.id}-${e.id}`}
                          name={`value_${e.id}`}
                          defaultValue={current?.value ?? ''}
                          placeholder="not set"
                          aria-label={`${v.name} in ${e.name}`}
                          className="w-full"
                        />
                      )}
                    </span>
                  </div>
                );
              })}
            </UpdateVariableForm>
            <div className="mt-3">
              <ActionForm
                action={deleteConfigVariableAction}
                submitLabel="Delete variable"
                variant="danger"
                confirm={`Delete ${v.name}? Resources that use it stop resolving.`}
              >
                <input type="hidden" name="variableId" value={v.id} />
              </ActionForm>
            </div>
          </Card>
        ))}
        {variables.length === 0 ? <p className="text-sm text-slate-600">No config variables yet.</p> : null}
      </div>
      <Card title="Add a config variable">
        <ActionForm action={createConfigVariableAction} submitLabel="Add variable" resetOnSuccess className="max-w-2xl space-y-3">
          <label className={row}>
            Variable name
            <Input name="name" placeholder="e.g. DB_HOST" />
          </label>
          <label className={row}>
            Description
            <Input name="description" />
          </label>
          <label className={row}>
            Secret
            <span className="flex items-center gap-2 text-slate-600">
              <input type="checkbox" name="secret" /> Encrypted, write-only, usable only in resource configuration
            </span>
          </label>
        </ActionForm>
      </Card>
    </div>
  );
}
