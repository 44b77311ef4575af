import Link from 'next/link';
import { Field, Input, Select } from '@/components/ui/fields';
import { auditActionTypes } from '@/lib/audit/events';
import { AUDIT_RANGES, auditSearchQuery, type AuditRange, type AuditSearch } from '@/lib/audit/filter';

const PRESET_LABELS: Record<AuditRange, string> = {
  '1h': 'Last hour',
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
  '90d': '90 days',
};
const ACTION_TYPES = [...auditActionTypes].sort();

/** A datetime-local value: the viewer works in UTC, so the input does too. */
const localValue = (d: Date | undefined) => (d ? d.toISOString().slice(0, 19) : '');

function Presets({ search }: { search: AuditSearch }) {
  const explicit = Boolean(search.from || search.to);
  const presets: [AuditRange | undefined, string][] = [
    ...(Object.keys(AUDIT_RANGES) as AuditRange[]).map((r) => [r, PRESET_LABELS[r]] as [AuditRange, string]),
    [undefined, 'All time'],
  ];
  return (
    <nav aria-label="Time range" className="flex flex-wrap items-center gap-1 text-sm">
      {presets.map(([range, label]) => {
        const active = !explicit && search.range === range;
        const query = auditSearchQuery({ ...search, range, from: undefined, to: undefined });
        return (
          <Link
            key={label}
            prefetch={false}
            href={`/audit${query ? `?${query}` : ''}`}
            aria-current={active ? 'true' : undefined}
            className={`rounded-md px-2.5 py-1 font-medium ${active ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100'}`}
          >
            {label}
          </Link>
        );
      })}
    </nav>
  );
}

/**
 * The viewer's filters as a GET form, so every filter lands in the URL and a view can be shared.
 * A preset range rides along as a hidden field; a From or To typed in replaces it.
 */
export function AuditFilterBar({ search }: { search: AuditSearch }) {
  const preset = search.from || search.to ? undefined : search.range;
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <Presets search={search} />
      {/* Keyed by the filter: a soft navigation (a "filter by this value" link) must refill the fields. */}
      <form key={auditSearchQuery(search)} action="/audit" role="search" aria-label="Filter audit events" className="space-y-3">
        {preset ? <input type="hidden" name="range" value={preset} /> : null}
        <div className="flex flex-wrap items-end gap-3">
          <Field label="From (UTC)">
            <Input type="datetime-local" step={1} name="from" defaultValue={localValue(search.from)} />
          </Field>
          <Field label="To (UTC)">
            <Input type="datetime-local" step={1} name="to" defaultValue={localValue(search.to)} />
          </Field>
          <Field label="User">
            <Input name="user" defaultValue={search.user} placeholder="User id or email" className="w-60" />
          </Field>
          <Field label="Request id">
            <Input name="requestId" defaultValue={search.requestId} className="w-60 font-mono" />
          </Field>
          <Field label="IP address">
            <Input name="ip" defaultValue={search.ip} className="w-36 font-mono" />
          </Field>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <Field label="App or page">
            <Input name="app" defaultValue={search.app} className="w-40" />
          </Field>
          <Field label="Query">
            <Input name="query" defaultValue={search.query} className="w-40" />
          </Field>
          <Field label="Resource">
            <Input name="resource" defaultValue={search.resource} className="w-40" />
          </Field>
          <Field label="Text in metadata">
            <Input name="q" defaultValue={search.q} placeholder="Any value" className="w-60" />
          </Field>
          <label className="flex items-center gap-2 pb-2 text-sm text-slate-700">
            <input type="checkbox" name="errors" value="1" defaultChecked={search.errors} className="h-4 w-4 rounded border-slate-300" />
            Errors only
          </label>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Action types" className="min-w-72">
            <Select name="action" multiple size={6} defaultValue={search.action} className="font-mono text-xs">
              {ACTION_TYPES.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </Select>
          </Field>
          <p className="max-w-56 pb-1 text-xs text-slate-500">Ctrl- or ⌘-click to pick several action types; none means all.</p>
          <div className="flex items-center gap-3 pb-1">
            <button className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm">Apply filters</button>
            <Link prefetch={false} href="/audit" className="text-sm font-medium text-slate-600 hover:underline">
              Clear
            </Link>
          </div>
        </div>
      </form>
    </div>
  );
}
