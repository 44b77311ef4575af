'use client';

import { useState } from 'react';
import { ActionForm } from '@/components/form/action-form';
import { Input, Select } from '@/components/ui/fields';
import { Button } from '@/components/ui/button';
import { createSinkAction, testSinkAction, updateSinkAction } from './actions';

const SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ddog-gov.com'];
const SECRET_LABEL = { datadog: 'API key', splunk: 'HEC token', webhook: 'Signing secret' } as const;
const URL_LABEL = { datadog: 'Intake URL (optional)', splunk: 'HEC URL', webhook: 'Endpoint URL' } as const;

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
        {URL_LABEL[kind]}
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
        {SECRET_LABEL[kind]}
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

/** What the edit form starts from: a destination's settings, never its secret. */
export type SinkFormValues = {
  id: string;
  name: string;
  kind: 'datadog' | 'splunk' | 'webhook';
  url: string;
  site: string | null;
  service: string | null;
  tags: string | null;
  index: string | null;
  sourcetype: string | null;
};

/**
 * A destination's settings, behind an Edit button (mounted only while open, so its labels never
 * clash with the form that adds one). The secret field is empty: blank keeps the stored one.
 */
export function EditSinkForm({ sink }: { sink: SinkFormValues }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <Button type="button" variant="secondary" onClick={() => setOpen(true)} aria-expanded={false}>
        Edit
      </Button>
    );
  const label = 'grid grid-cols-[11rem_1fr] items-center gap-3 text-sm';
  const custom = sink.kind === 'datadog' && !sink.site;
  return (
    <div className="w-full space-y-2">
      <ActionForm
        action={updateSinkAction}
        submitLabel="Save changes"
        className="max-w-2xl space-y-3"
        success={(r) => <span className="ml-3 text-sm text-green-700">Saved ({r.changed.join(', ')}).</span>}
      >
        <input type="hidden" name="sinkId" value={sink.id} />
        <label className={label}>
          Destination name
          <Input name="name" defaultValue={sink.name} />
        </label>
        {sink.kind === 'datadog' ? (
          <label className={label}>
            Datadog site
            <Select name="site" defaultValue={sink.site ?? 'datadoghq.com'}>
              {SITES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </Select>
          </label>
        ) : null}
        <label className={label}>
          {URL_LABEL[sink.kind]}
          <Input name="url" defaultValue={sink.kind === 'datadog' ? (custom ? sink.url : '') : sink.url} />
        </label>
        <label className={label}>
          {`New ${SECRET_LABEL[sink.kind].toLowerCase()}`}
          <Input name="secret" type="password" autoComplete="new-password" placeholder="set — leave blank to keep" />
        </label>
        {sink.kind === 'datadog' ? (
          <>
            <label className={label}>
              Service
              <Input name="service" defaultValue={sink.service ?? ''} placeholder="gatehouse" />
            </label>
            <label className={label}>
              Tags
              <Input name="tags" defaultValue={sink.tags ?? ''} />
            </label>
          </>
        ) : null}
        {sink.kind === 'splunk' ? (
          <>
            <label className={label}>
              Index
              <Input name="index" defaultValue={sink.index ?? ''} placeholder="Default index of the token" />
            </label>
            <label className={label}>
              Source type
              <Input name="sourcetype" defaultValue={sink.sourcetype ?? ''} placeholder="gatehouse:audit" />
            </label>
          </>
        ) : null}
      </ActionForm>
      <Button type="button" variant="secondary" onClick={() => setOpen(false)} aria-expanded>
        Close
      </Button>
    </div>
  );
}
