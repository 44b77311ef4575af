import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader } from '@/components/ui/fields';
import { listSinks, sinkView } from '@/lib/audit/sinks';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { deleteSinkAction, setSinkPausedAction } from './actions';
import { CreateSinkForm, EditSinkForm, TestSinkForm } from './forms';

export const metadata = { title: 'Audit streaming' };

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
const fmt = (d: Date | null) => (d ? `${when.format(d)} UTC` : 'Never');
const KIND = { datadog: 'Datadog Logs', splunk: 'Splunk HEC', webhook: 'Webhook' } as const;

export default async function AuditStreamingPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="Audit streaming" reason="Only admins can manage audit streaming." />;
  const sinks = await listSinks(viewer.orgId);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Audit streaming"
        description="Send every audit event to your SIEM. Events are delivered in order, retried with backoff until the destination accepts them, and carry their id so duplicates after a retry can be dropped."
      />
      <div className="space-y-4" data-testid="sinks">
        {sinks.map((s) => (
          <Card key={s.id} title={s.name}>
            <div className="mb-3 flex flex-wrap items-center gap-2 text-sm" data-sink={s.name}>
              <Badge tone="slate">{KIND[s.kind]}</Badge>
              {s.paused ? <Badge tone="amber">paused</Badge> : <Badge tone="green">active</Badge>}
              {s.failures > 0 ? <Badge tone="red">failing</Badge> : null}
              <span className="font-mono text-xs text-slate-600">{s.url}</span>
            </div>
            <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
              <dt className="text-slate-500">Secret</dt>
              <dd>Set (write-only: never shown; replace it under Edit)</dd>
              <dt className="text-slate-500">Lag</dt>
              <dd data-testid="sink-lag">
                {s.lagEvents === 0
                  ? 'Up to date'
                  : `${s.lagEvents.toLocaleString('en')} events behind${s.oldestPendingAt ? `, oldest from ${fmt(s.oldestPendingAt)}` : ''}`}
              </dd>
              <dt className="text-slate-500">Delivered</dt>
              <dd data-testid="sink-delivered">{s.deliveredCount.toLocaleString('en')} events</dd>
              <dt className="text-slate-500">Last success</dt>
              <dd>{fmt(s.lastSuccessAt)}</dd>
              <dt className="text-slate-500">Last error</dt>
              <dd className={s.lastError ? 'text-red-700' : ''}>{s.lastError ? `${s.lastError} (${fmt(s.lastErrorAt)})` : 'None'}</dd>
              {s.failures > 0 ? (
                <>
                  <dt className="text-slate-500">Next attempt</dt>
                  <dd>{fmt(s.nextAttemptAt)}</dd>
                </>
              ) : null}
            </dl>
            <div className="mt-4 flex flex-wrap items-start gap-3">
              <TestSinkForm sinkId={s.id} />
              <ActionForm
                action={setSinkPausedAction}
                submitLabel={s.paused ? 'Resume' : 'Pause'}
                variant="secondary"
                className="flex items-center gap-2"
                confirm={s.paused ? undefined : `Pause sending events to ${s.name}? They queue up and are sent when you resume it.`}
              >
                <input type="hidden" name="sinkId" value={s.id} />
                <input type="hidden" name="paused" value={s.paused ? 'false' : 'true'} />
              </ActionForm>
              <ActionForm
                action={deleteSinkAction}
                submitLabel="Delete"
                variant="danger"
                className="flex items-center gap-2"
                confirm={`Delete ${s.name}? Undelivered events will not be sent there.`}
              >
                <input type="hidden" name="sinkId" value={s.id} />
              </ActionForm>
              <EditSinkForm sink={sinkView(s)} />
            </div>
          </Card>
        ))}
        {sinks.length === 0 ? <p className="text-sm text-slate-600">No destinations yet.</p> : null}
      </div>
      <Card
        title="Add a destination"
        description="The secret is encrypted at rest and never shown again. Without a backfill date, the destination receives events from now on."
      >
        <CreateSinkForm />
      </Card>
    </div>
  );
}
