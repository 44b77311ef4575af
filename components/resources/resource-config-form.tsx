'use client';

import { Fragment, useState } from 'react';
import { ActionForm } from '@/components/form/action-form';
import { Input, Select } from '@/components/ui/fields';
import type { ActionResult } from '@/lib/server/action';

type Action<R> = (prev: ActionResult<R> | null, form: FormData) => Promise<ActionResult<R>>;
type ResourceType = 'postgres' | 'rest' | 'sample';

export type ResourceConfigFormProps = {
  objectId: string;
  environmentId: string;
  environmentName: string;
  /** The saved configuration without secret values: which secret fields are set, by name. */
  config: { type: ResourceType; options: Record<string, unknown>; secretsSet: string[] } | null;
  /** Types this instance allows, and the one other environments already use (if any). */
  types: { value: ResourceType; label: string }[];
  lockedType: ResourceType | null;
  action: Action<{ changed: string[] }>;
};

const row = 'grid grid-cols-[11rem_1fr] items-center gap-3 text-sm';

/** One environment's configuration; secret fields are write-only ("set — leave blank to keep"). */
export function ResourceConfigForm({
  objectId,
  environmentId,
  environmentName,
  config,
  types,
  lockedType,
  action,
}: ResourceConfigFormProps) {
  const [chosen, setType] = useState<ResourceType>(config?.type ?? types[0]?.value ?? 'sample');
  // Another environment's config may fix the type after this form first rendered.
  const type = lockedType ?? chosen;
  const o = (config?.type === type ? config.options : {}) as Record<string, string | { name: string; value: string }[] | undefined>;
  const [mode, setMode] = useState((o.mode as string) ?? 'fields');
  const [auth, setAuth] = useState((o.auth as string) ?? 'none');
  const text = (key: string, fallback = '') => (typeof o[key] === 'string' ? (o[key] as string) : fallback);
  const isSet = (field: string) => config?.type === type && config.secretsSet.includes(field);
  const secret = (name: string, label: string) => (
    <label className={row}>
      {label}
      <Input name={name} type="password" autoComplete="new-password" placeholder={isSet(name) ? 'set — leave blank to keep' : 'not set'} />
    </label>
  );
  const savedKey = JSON.stringify(config?.options ?? null);
  const headers = Array.isArray(o.headers) ? o.headers.map((h) => `${h.name}: ${h.value}`).join('\n') : '';

  return (
    <ActionForm
      action={action}
      submitLabel={`Save ${environmentName}`}
      resetOnSuccess
      className="max-w-2xl space-y-3"
      success={(r) => <span className="ml-3 text-sm text-green-700">Saved{r.changed.length ? ` (${r.changed.join(', ')})` : ''}.</span>}
    >
      <input type="hidden" name="objectId" value={objectId} />
      <input type="hidden" name="environmentId" value={environmentId} />
      <label className={row}>
        Type
        {lockedType ? (
          <>
            <input type="hidden" name="type" value={lockedType} />
            <span>{types.find((t) => t.value === lockedType)?.label ?? lockedType}</span>
          </>
        ) : (
          <Select name="type" value={type} onChange={(e) => setType(e.target.value as ResourceType)}>
            {types.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        )}
      </label>
      {/* Keyed by what is saved: after a save the fields remount with the stored values, so the
          form's reset (which clears the secret fields) cannot bring back the first render's. */}
      <Fragment key={savedKey}>
        {type === 'postgres' ? (
          <>
            <label className={row}>
              Connect with
              <Select name="mode" value={mode} onChange={(e) => setMode(e.target.value)}>
                <option value="fields">Host, port, database and user</option>
                <option value="connection_string">A connection string</option>
              </Select>
            </label>
            {mode === 'connection_string' ? (
              secret('connectionString', 'Connection string')
            ) : (
              <>
                <label className={row}>
                  Host
                  <Input name="host" defaultValue={text('host')} placeholder="db.example.com" />
                </label>
                <label className={row}>
                  Port
                  <Input name="port" defaultValue={text('port', '5432')} />
                </label>
                <label className={row}>
                  Database
                  <Input name="database" defaultValue={text('database')} />
                </label>
                <label className={row}>
                  User
                  <Input name="user" defaultValue={text('user')} />
                </label>
                {secret('password', 'Password')}
              </>
            )}
            <label className={row}>
              SSL mode
              <Select name="sslMode" defaultValue={text('sslMode', 'prefer')}>
                <option value="disable">disable</option>
                <option value="prefer">prefer</option>
                <option value="require">require</option>
                <option value="verify-full">verify-full</option>
              </Select>
            </label>
          </>
        ) : null}
        {type === 'rest' ? (
          <>
            <label className={row}>
              Base URL
              <Input name="baseUrl" defaultValue={text('baseUrl')} placeholder="https://api.example.com/v1" />
            </label>
            <label className={row}>
              Default headers
              <textarea
                name="headers"
                defaultValue={headers}
                rows={3}
                placeholder="Accept: application/json"
                className="rounded-md border border-slate-300 px-2.5 py-1.5 font-mono text-xs"
              />
            </label>
            <label className={row}>
              Authentication
              <Select name="auth" value={auth} onChange={(e) => setAuth(e.target.value)}>
                <option value="none">None</option>
                <option value="bearer">Bearer token</option>
                <option value="basic">Basic (username and password)</option>
                <option value="api_key">API key header</option>
              </Select>
            </label>
            {auth === 'bearer' ? secret('bearerToken', 'Bearer token') : null}
            {auth === 'basic' ? (
              <>
                <label className={row}>
                  Username
                  <Input name="basicUser" defaultValue={text('basicUser')} />
                </label>
                {secret('basicPassword', 'Password')}
              </>
            ) : null}
            {auth === 'api_key' ? (
              <>
                <label className={row}>
                  API key header
                  <Input name="apiKeyHeader" defaultValue={text('apiKeyHeader', 'X-API-Key')} />
                </label>
                {secret('apiKey', 'API key')}
              </>
            ) : null}
          </>
        ) : null}
      </Fragment>
      {type === 'sample' ? (
        <p className="text-sm text-slate-600">A small shop (customers and orders) inside Gatehouse’s own database: nothing to configure.</p>
      ) : null}
      <p className="text-xs text-slate-500">
        Any field may use <code>{'{{ secrets.NAME }}'}</code> and <code>{'{{ environment.variables.NAME }}'}</code>; they are resolved on
        the server.
      </p>
    </ActionForm>
  );
}
