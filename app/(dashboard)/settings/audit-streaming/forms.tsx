'use client';

import { useState } from 'react';
import { ActionForm } from '@/components/form/action-form';
import { Input, Select } from '@/components/ui/fields';
import { createSinkAction, testSinkAction } from './actions';

const SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ddog-gov.com'];

/** One form for every kind; the fields that do not apply to the chosen kind are hidden. */
export function CreateSinkForm() {
  const [kind, setKind] = useState<'datadog' | 'splunk' | 'webhook'>('datadog');
  const label = 'grid grid-cols-[11rem_1fr] items-center gap-3 text-sm';
  return (
    <ActionForm
      action={createSinkAction}
      submitLabel="Add destination"
      resetOnSuccess
      className="max-w-2xl space-y-3"
      success={() => <span className="text-sm text-green-700">Added. Delivery starts within seconds.</span>}
    >
      <label className={label}>
        Type
        <Select name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="datadog">Datadog Logs</option>
          <option value="splunk">Splunk HTTP Event Collector</option>
          <option value="webhook">Webhook (HMAC-signed)</option>
        </Select>
      </label>
      <label className={label}>
        Name
        <Input name="name" placeholder="e.g. Datadog production" />
      </label>
      {kind === 'datadog' ? (
        <label className={label}>
          Datadog site
          <Select name="site" defaultValue="datadoghq.com">
            {SITES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </label>
      ) : null}
      <label className={label}>
        {kind === 'datadog' ? 'Intake URL (optional)' : kind === 'splunk' ? 'HEC URL' : 'Endpoint URL'}
        <Input
          name="url"
          placeholder={
            kind === 'datadog'
              ? 'Overrides the site, e.g. a proxy'
              : kind === 'splunk'
                ? 'https://splunk.example.com:8088/services/collector/event'
                : 'https://hooks.example.com/gatehouse'
          }
        />
      </label>
      <label className={label}>
        {kind === 'datadog' ? 'API key' : kind === 'splunk' ? 'HEC token' : 'Signing secret'}
        <Input name="secret" type="password" autoComplete="off" />
      </label>
      {kind === 'datadog' ? (
        <>
          <label className={label}>
            Service
            <Input name="service" placeholder="gatehouse" />
          </label>
          <label className={label}>
            Tags
            <Input name="tags" placeholder="env:prod,team:security" />
          </label>
        </>
      ) : null}
      {kind === 'splunk' ? (
        <>
          <label className={label}>
            Index
            <Input name="index" placeholder="Default index of the token" />
          </label>
          <label className={label}>
            Source type
            <Input name="sourcetype" placeholder="gatehouse:audit" />
          </label>
        </>
      ) : null}
      <label className={label}>
        Backfill from (UTC, optional)
        <Input name="backfillFrom" type="datetime-local" />
      </label>
    </ActionForm>
  );
}

export function TestSinkForm({ sinkId }: { sinkId: string }) {
  return (
    <ActionForm
      action={testSinkAction}
      submitLabel="Send test event"
      variant="secondary"
      className="flex flex-wrap items-center gap-2"
      success={(r) => (
        <span role="status" className={`text-sm ${r.ok ? 'text-green-700' : 'text-red-700'}`}>
          {r.ok ? `Delivered (HTTP ${r.status}).` : `Failed: ${r.error}`}
        </span>
      )}
    >
      <input type="hidden" name="sinkId" value={sinkId} />
    </ActionForm>
  );
}
