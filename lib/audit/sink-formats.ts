// How an audit event leaves Gatehouse: one JSON shape (the stored event, Retool-style) for every
// destination, and per destination the request that carries a batch of them within its limits.
import { createHmac, randomUUID } from 'node:crypto';
import type { AuditEventRow, AuditSink } from '@/db/schema';

/** The event as every sink receives it; `id` is stable, so receivers can de-duplicate retries. */
export function streamedEvent(row: AuditEventRow) {
  return {
    id: String(row.id),
    organizationId: row.organizationId,
    seq: row.seq,
    actionType: row.actionType,
    userId: row.userId,
    user: row.user,
    ipAddress: row.ipAddress,
    geoLocation: row.geoLocation ?? null,
    responseTimeMs: row.responseTimeMs,
    pageName: row.pageName,
    queryName: row.queryName,
    resourceName: row.resourceName,
    metadata: row.metadata,
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
    hash: row.hash,
  };
}
export type StreamedEvent = ReturnType<typeof streamedEvent>;

/** Where a sink's secret lives: its encrypted envelope is bound to the row. */
export function secretContext(sink: Pick<AuditSink, 'id' | 'organizationId'>) {
  return { orgId: sink.organizationId, table: 'audit_sinks', column: 'secret', rowId: sink.id };
}

/** Per destination: how many events one request may carry and how large its body may be. */
export const SINK_LIMITS: Record<AuditSink['kind'], { events: number; bytes: number }> = {
  // Datadog Logs intake: at most 1,000 entries and 5 MB per request.
  datadog: { events: 1000, bytes: 4_500_000 },
  // Splunk HEC's default max_content_length is 1 MB (older installations); stay under it.
  splunk: { events: 500, bytes: 900_000 },
  webhook: { events: 100, bytes: 900_000 },
};

export type OutgoingRequest = { url: string; headers: Record<string, string>; body: string };

/** Serialises events for one destination. */
function entries(sink: Pick<AuditSink, 'kind' | 'options'>, events: StreamedEvent[]): string[] {
  switch (sink.kind) {
    case 'datadog':
      return events.map((e) =>
        JSON.stringify({
          ddsource: 'gatehouse',
          service: sink.options.service || 'gatehouse',
          ...(sink.options.tags ? { ddtags: sink.options.tags } : {}),
          message: `${e.actionType} by ${String(e.user?.email ?? e.metadata.actor ?? 'system')}`,
          date: e.createdAt,
          evt: { id: e.id, name: e.actionType, outcome: e.actionType.endsWith('_FAILED') ? 'failure' : 'success' },
          network: { client: { ip: e.ipAddress } },
          usr: e.userId ? { id: e.userId, email: e.user?.email ?? null } : undefined,
          gatehouse: e,
        }),
      );
    case 'splunk':
      return events.map((e) =>
        JSON.stringify({
          time: new Date(e.createdAt).getTime() / 1000,
          source: 'gatehouse',
          sourcetype: sink.options.sourcetype || 'gatehouse:audit',
          ...(sink.options.index ? { index: sink.options.index } : {}),
          event: e,
        }),
      );
    case 'webhook':
      return events.map((e) => JSON.stringify(e));
  }
}

/** How many of `events` fit in one request; always at least one (a single event is at most a few KB). */
export function batchSize(sink: Pick<AuditSink, 'kind' | 'options'>, events: StreamedEvent[]): number {
  const limit = SINK_LIMITS[sink.kind];
  let bytes = 64;
  let n = 0;
  for (const line of entries(sink, events.slice(0, limit.events))) {
    bytes += Buffer.byteLength(line) + 1;
    if (n > 0 && bytes > limit.bytes) break;
    n++;
  }
  return n;
}

/** The HTTP request delivering `events` (already sized by batchSize) to `sink`, with its secret. */
export function buildRequest(
  sink: Pick<AuditSink, 'kind' | 'options' | 'url'>,
  secret: string,
  events: StreamedEvent[],
  now = new Date(),
): OutgoingRequest {
  const lines = entries(sink, events);
  switch (sink.kind) {
    case 'datadog':
      return {
        url: `${sink.url.replace(/\/$/, '')}/api/v2/logs`,
        headers: { 'content-type': 'application/json', 'dd-api-key': secret },
        body: `[${lines.join(',')}]`,
      };
    case 'splunk':
      return {
        url: sink.url,
        headers: { 'content-type': 'application/json', authorization: `Splunk ${secret}`, 'x-splunk-request-channel': randomUUID() },
        body: lines.join('\n'),
      };
    case 'webhook': {
      const body = `{"events":[${lines.join(',')}]}`;
      const timestamp = Math.floor(now.getTime() / 1000).toString();
      return {
        url: sink.url,
        headers: {
          'content-type': 'application/json',
          'x-gatehouse-timestamp': timestamp,
          // HMAC-SHA256 over "<timestamp>.<body>"; receivers reject old timestamps to stop replays.
          'x-gatehouse-signature': `v1=${webhookSignature(secret, timestamp, body)}`,
          'x-gatehouse-delivery': randomUUID(),
        },
        body,
      };
    }
  }
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
