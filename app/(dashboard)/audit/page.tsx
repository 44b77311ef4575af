// /audit — the audit log viewer. Every filter, the page position and the selected event live in
// the URL (lib/audit/filter.ts), so any view can be shared as a link.
import Link from 'next/link';
import { AuditEventsTable } from '@/components/audit/audit-events-table';
import { AuditFilterBar } from '@/components/audit/audit-filter-bar';
import { EventDetail } from '@/components/audit/event-detail';
import { EventsChart } from '@/components/audit/events-chart';
import { ExportLinks } from '@/components/audit/export-links';
import { VerifyChain } from '@/components/audit/verify-chain';
import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/fields';
import { auditFilterOf, auditSearchQuery, parseAuditSearch, type AuditCursor, type AuditSearch } from '@/lib/audit/filter';
import { auditEventCounts, findAuditEvent, listAuditEvents } from '@/lib/audit/reads';
import { allowed, requireViewer } from '@/lib/auth/viewer';

export const metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;
const audit = (query: string) => `/audit${query ? `?${query}` : ''}`;

function FilterNotes({ notes }: { notes: string[] }) {
  if (!notes.length) return null;
  return (
    <div
      role="status"
      data-testid="filter-notes"
      className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <ul className="space-y-0.5">
        {notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  );
}

function Pagination({ search, newer, older }: { search: AuditSearch; newer: AuditCursor | null; older: AuditCursor | null }) {
  const link = 'font-medium text-brand-600 hover:underline';
  const paged = Boolean(search.before || search.after);
  return (
    <nav aria-label="Pages" className="flex items-center justify-between text-sm">
      <div className="flex gap-4">
        {paged ? (
          <Link prefetch={false} href={audit(auditSearchQuery(search))} className={link}>
            Newest
          </Link>
        ) : null}
        {newer ? (
          <Link prefetch={false} href={audit(auditSearchQuery(search, { after: newer }))} rel="prev" className={link}>
            ← Newer
          </Link>
        ) : null}
      </div>
      {older ? (
        <Link prefetch={false} href={audit(auditSearchQuery(search, { before: older }))} rel="next" className={link}>
          Older →
        </Link>
      ) : null}
    </nav>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'view', { kind: 'org', area: 'audit_log' })) {
    return <NoAccess title="Audit log" reason="Only admins and groups given audit-log access can view the audit log." />;
  }
  const { search, notes } = parseAuditSearch(await searchParams);
  const filter = auditFilterOf(search);
  const [page, chart, selected] = await Promise.all([
    listAuditEvents(viewer.orgId, filter, { limit: PAGE_SIZE, after: search.before, newerThan: search.after }),
    auditEventCounts(viewer.orgId, filter),
    search.event ? findAuditEvent(viewer.orgId, search.event) : null,
  ]);
  if (search.event && !selected) notes.push(`Event ${search.event} was not found.`);
  const position = { before: search.before, after: search.after };
  const matching = chart.bars.reduce((n, b) => n + b.total, 0);

  return (
    <div className="space-y-6">
      <PageHeader title="Audit log" description={`Events in ${viewer.org.name}, newest first, ${PAGE_SIZE} to a page. Times are UTC.`} />
      <FilterNotes notes={notes} />
      <AuditFilterBar search={search} />
      <Card title="Events over time">
        <EventsChart chart={chart} />
      </Card>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <VerifyChain />
        <ExportLinks query={auditSearchQuery(search)} expectedRows={matching} />
      </div>
      {selected ? <EventDetail event={selected} search={search} closeHref={audit(auditSearchQuery(search, position))} /> : null}
      <AuditEventsTable
        events={page.events}
        selectedId={selected?.id}
        viewHref={(id) => audit(auditSearchQuery(search, { ...position, event: id }))}
      />
      {page.events.length === 0 ? <p className="text-sm text-slate-600">No events match these filters.</p> : null}
      <Pagination search={search} newer={page.newer} older={page.next} />
    </div>
  );
}
