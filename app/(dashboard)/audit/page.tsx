import { VerifyChain } from '@/components/audit/verify-chain';
import { Card } from '@/components/ui/card';
import { listRecentAuditEvents } from '@/lib/audit/reads';
import { allowed, requireViewer } from '@/lib/auth/viewer';

export const metadata = { title: 'Audit log' };

const time = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

export default async function AuditPage() {
  const session = await requireViewer();
  if (!allowed(session, 'view', { kind: 'org', area: 'audit_log' })) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <Card title="No access">
          <p className="text-sm text-slate-600">Only admins and groups given audit-log access can view the audit log.</p>
        </Card>
      </div>
    );
  }
  const events = await listRecentAuditEvents(session.orgId, { limit: 100 });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">The latest 100 events in {session.org.name}, newest first. Times are UTC.</p>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <VerifyChain />
        <p className="text-sm">
          Export all events:{' '}
          <a href="/api/internal/audit-export?format=csv" download className="font-medium text-brand-600 hover:underline">
            CSV
          </a>{' '}
          ·{' '}
          <a href="/api/internal/audit-export?format=ndjson" download className="font-medium text-brand-600 hover:underline">
            NDJSON
          </a>
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="audit-table">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-4 py-2">Time</th>
              <th className="px-4 py-2">Action</th>
              <th className="px-4 py-2">User</th>
              <th className="px-4 py-2">IP address</th>
              <th className="px-4 py-2">Details</th>
              <th className="px-4 py-2">Request</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {events.map((e) => (
              <tr key={e.id} data-action={e.actionType}>
                <td className="whitespace-nowrap px-4 py-2 text-slate-600">{time.format(e.createdAt)}</td>
                <td className="whitespace-nowrap px-4 py-2 font-mono text-xs font-semibold">{e.actionType}</td>
                <td className="px-4 py-2">{e.userEmail ?? '—'}</td>
                <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">{e.ipAddress ?? '—'}</td>
                <td className="max-w-md truncate px-4 py-2 font-mono text-xs text-slate-600" title={JSON.stringify(e.metadata)}>
                  {JSON.stringify(e.metadata)}
                </td>
                <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-slate-400">{e.requestId?.slice(0, 8) ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {events.length === 0 ? <p className="p-6 text-sm text-slate-600">No events yet.</p> : null}
      </div>
    </div>
  );
}
