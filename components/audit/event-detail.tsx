import Link from 'next/link';
import { auditSearchQuery, parseAuditSearch, withFilterValue, type AuditFilterField, type AuditSearch } from '@/lib/audit/filter';
import type { AuditEventDetail } from '@/lib/audit/reads';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// Columns in reading order: what happened, who, where, then the chain fields.
const ORDER: (keyof AuditEventDetail)[] = [
  'id',
  'createdAt',
  'actionType',
  'userId',
  'user',
  'ipAddress',
  'geoLocation',
  'requestId',
  'pageName',
  'queryName',
  'resourceName',
  'responseTimeMs',
  'metadata',
  'organizationId',
  'seq',
  'prevHash',
  'hash',
];

const FIELDS: Record<string, AuditFilterField> = {
  actionType: 'action',
  userId: 'user',
  'user.id': 'user',
  'user.email': 'user',
  ipAddress: 'ip',
  requestId: 'requestId',
  pageName: 'app',
  'metadata.appName': 'app',
  queryName: 'query',
  resourceName: 'resource',
};

/** The filter a value maps to: a column's own filter, free text for anything else in metadata, or none. */
function fieldFor(path: string[]): AuditFilterField | null {
  return FIELDS[path.join('.')] ?? (path[0] === 'metadata' ? 'q' : null);
}

type Linker = (path: string[], value: Json) => string | null;

function linkerFor(search: AuditSearch, eventId: string): Linker {
  return (path, value) => {
    const field = fieldFor(path);
    if (!field || value === null || typeof value === 'object') return null;
    const query = auditSearchQuery(withFilterValue(search, field, String(value)), { event: eventId });
    // Only offer links the viewer will accept as they are (no "ignored" notes on arrival).
    return parseAuditSearch(new URLSearchParams(query)).notes.length ? null : `/audit?${query}`;
  };
}

const tone = (v: Json) => (typeof v === 'string' ? 'text-emerald-800' : v === null ? 'text-slate-400' : 'text-blue-800');

function Entry({ name, value, path, link }: { name: string | null; value: Json; path: string[]; link: Linker }) {
  const key = name === null ? null : <span className="text-slate-500">{JSON.stringify(name)}: </span>;
  if (value !== null && typeof value === 'object') {
    const list = Array.isArray(value);
    const entries: [string, Json][] = list ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const [open, close] = list ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0)
      return (
        <li>
          {key}
          {open + close}
        </li>
      );
    return (
      <li>
        {key}
        {open}
        <ul className="ml-2 border-l border-slate-100 pl-4">
          {entries.map(([k, v]) => (
            <Entry key={k} name={list ? null : k} value={v} path={[...path, k]} link={link} />
          ))}
        </ul>
        {close}
      </li>
    );
  }
  const href = link(path, value);
  return (
    <li>
      {key}
      <span className={`break-all ${tone(value)}`}>{JSON.stringify(value)}</span>
      {href ? (
        <Link
          prefetch={false}
          href={href}
          aria-label={`Filter by this value: ${path.join('.')}`}
          title="Filter by this value"
          className="ml-2 font-sans text-[11px] font-medium text-brand-600 hover:underline"
        >
          filter
        </Link>
      ) : null}
    </li>
  );
}

/**
 * The selected event as structured JSON, every stored column included. Each value that maps to
 * a filter links to the current view narrowed by it.
 */
export function EventDetail({ event, search, closeHref }: { event: AuditEventDetail; search: AuditSearch; closeHref: string }) {
  const json = JSON.parse(JSON.stringify(event)) as Record<string, Json>;
  const link = linkerFor(search, event.id);
  return (
    <section
      id="event-detail"
      aria-labelledby="event-detail-title"
      data-testid="audit-event"
      className="rounded-lg border border-brand-100 bg-white p-6 shadow-sm"
    >
      <div className="flex items-center justify-between gap-4">
        <h2 id="event-detail-title" className="text-base font-semibold text-slate-900">
          Event {event.id} <span className="font-mono text-sm font-normal text-slate-500">{event.actionType}</span>
        </h2>
        <Link prefetch={false} href={closeHref} className="text-sm font-medium text-slate-600 hover:underline">
          Close
        </Link>
      </div>
      <ul className="mt-4 overflow-x-auto font-mono text-xs leading-6" aria-label="Event fields">
        <li>
          {'{'}
          <ul className="ml-2 border-l border-slate-100 pl-4">
            {ORDER.map((k) => (
              <Entry key={k} name={k} value={json[k] ?? null} path={[k]} link={link} />
            ))}
          </ul>
          {'}'}
        </li>
      </ul>
    </section>
  );
}
