import { ActionForm } from '@/components/form/action-form';
import { ResourceConfigForm } from '@/components/resources/resource-config-form';
import { Card } from '@/components/ui/card';
import { ColorDot } from '@/components/ui/color-dot';
import { Badge } from '@/components/ui/fields';
import { allowed, type Viewer } from '@/lib/auth/viewer';
import { deniedResourceTypes } from '@/lib/env';
import { listEnvironments } from '@/lib/environments/reads';
import { servesEnvironment } from '@/lib/environments/served';
import { listResourceConfigs } from '@/lib/resources/configs';
import { RESOURCE_TYPE_LABEL } from '@/lib/resources/inputs';
import { deleteResourceConfigAction, saveResourceConfigAction } from './actions';
import { TestConnectionForm } from './forms';

/**
 * A resource's configuration per environment: editors (Edit) see the settings without secrets
 * and test connections; owners change them (either may be limited to one environment). Secret
 * values never reach this page, nor the settings of an environment this instance does not serve.
 */
export async function ResourceConfigSection({ viewer, resource }: { viewer: Viewer; resource: { id: string; folderId: string | null } }) {
  const target = (environmentId: string) => ({ kind: 'resource', id: resource.id, folderId: resource.folderId, environmentId }) as const;
  // Grants may be limited to one environment, so each environment is decided on its own.
  const environments = (await listEnvironments(viewer.orgId)).filter((e) => allowed(viewer, 'view_config', target(e.id)));
  if (environments.length === 0) return null;
  const configs = await listResourceConfigs(viewer.orgId, resource.id);
  const denied = deniedResourceTypes();
  const types = (Object.keys(RESOURCE_TYPE_LABEL) as (keyof typeof RESOURCE_TYPE_LABEL)[])
    .filter((t) => !denied.includes(t))
    .map((value) => ({ value, label: RESOURCE_TYPE_LABEL[value] }));
  const lockedType = configs[0]?.type ?? null;
  return (
    <Card
      title="Configuration"
      description="One configuration per environment. Apps run against production unless an editor picks another environment."
    >
      <div className="space-y-6">
        {environments.map((env) => {
          const config = configs.find((c) => c.environmentId === env.id) ?? null;
          const onlyConfig = config !== null && configs.length === 1;
          const canEdit = allowed(viewer, 'edit_config', target(env.id));
          const served = servesEnvironment(env.name);
          return (
            <section key={env.id} data-config-env={env.name} className="rounded-md border border-slate-200 p-4">
              <h3 className="mb-3 flex items-center gap-2 text-sm font-semibold">
                <ColorDot color={env.color} />
                {env.name}
                {config ? <Badge tone="green">{RESOURCE_TYPE_LABEL[config.type]}</Badge> : <Badge>not configured</Badge>}
                {config?.unreadable ? <Badge tone="red">secrets unreadable with the current keys</Badge> : null}
                {served ? null : <Badge tone="amber">served by another instance</Badge>}
              </h3>
              {!served ? (
                <p className="text-sm text-slate-600">
                  This instance does not serve {env.name} (GATEHOUSE_ENVIRONMENTS): view, test and change its configuration on the instance
                  that does.
                </p>
              ) : canEdit ? (
                <ResourceConfigForm
                  objectId={resource.id}
                  environmentId={env.id}
                  environmentName={env.name}
                  config={config ? { type: config.type, options: config.options, secretsSet: config.secretsSet } : null}
                  types={types}
                  lockedType={onlyConfig ? null : lockedType}
                  action={saveResourceConfigAction}
                />
              ) : config ? (
                <dl className="grid grid-cols-[11rem_1fr] gap-y-1 text-sm">
                  {Object.entries(config.options).map(([k, v]) => (
                    <div key={k} className="contents">
                      <dt className="text-slate-500">{k}</dt>
                      <dd className="font-mono text-xs">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                    </div>
                  ))}
                  {config.secretsSet.map((k) => (
                    <div key={k} className="contents">
                      <dt className="text-slate-500">{k}</dt>
                      <dd className="text-xs text-slate-500">set</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
              {config && served ? (
                <div className="mt-3 flex flex-wrap items-start gap-3">
                  <TestConnectionForm objectId={resource.id} environmentId={env.id} environmentName={env.name} />
                  {canEdit ? (
                    <ActionForm
                      action={deleteResourceConfigAction}
                      submitLabel={`Remove ${env.name} configuration`}
                      variant="danger"
                      confirm={`Remove the ${env.name} configuration?`}
                    >
                      <input type="hidden" name="objectId" value={resource.id} />
                      <input type="hidden" name="environmentId" value={env.id} />
                    </ActionForm>
                  ) : null}
                </div>
              ) : null}
            </section>
          );
        })}
      </div>
    </Card>
  );
}
