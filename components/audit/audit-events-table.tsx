import Link from 'next/link';
import { Table, Td, Th } from '@/components/ui/fields';
import type { AuditEventRow } from '@/lib/audit/reads';

const time = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

/** Every metadata entry as `key: value`, names and words before ids, so the row reads at a glance. */
function summary(metadata: Record<string, unknown>): string {
  const entries = Object.entries(metadata).sort(([a], [b]) => Number(/Ids?$/.test(a)) - Number(/Ids?$/.test(b)));
  return entries.map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(' · ') || '—';
}

export function AuditEventsTable({
  events,
  selectedId,
  viewHref,
}: {
  events: AuditEventRow[];
  selectedId?: string;
  viewHref: (id: string) => string;
}) {
  return (
    <Table testId="audit-table">
      <thead>
        <tr>
          <Th>Time (UTC)</Th>
          <Th>Action</Th>
          <Th>User</Th>
          <Th>IP address</Th>
          <Th>Request</Th>
          <Th>Summary</Th>
          <Th>
            <span className="sr-only">Details</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((e) => (
          <tr
            key={e.id}
            data-action={e.actionType}
            data-request-id={e.requestId ?? ''}
            aria-current={e.id === selectedId ? 'true' : undefined}
            className={e.id === selectedId ? 'bg-brand-50' : undefined}
          >
            <Td className="whitespace-nowrap text-slate-600">{time.format(e.createdAt)}</Td>
            <Td className="whitespace-nowrap font-mono text-xs font-semibold">{e.actionType}</Td>
            <Td>{e.userEmail ?? '—'}</Td>
            <Td className="whitespace-nowrap font-mono text-xs">{e.ipAddress ?? '—'}</Td>
            <Td className="whitespace-nowrap font-mono text-xs text-slate-400">
              <span title={e.requestId ?? undefined}>{e.requestId?.slice(0, 8) ?? '—'}</span>
            </Td>
            <Td className="max-w-md truncate font-mono text-xs text-slate-600">
              <span title={JSON.stringify(e.metadata)}>{summary(e.metadata)}</span>
            </Td>
            <Td className="whitespace-nowrap text-right">
              <Link
                prefetch={false}
                href={viewHref(e.id)}
                aria-label={`View event ${e.id}`}
                className="text-sm font-medium text-brand-600 hover:underline"
              >
                View
              </Link>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
