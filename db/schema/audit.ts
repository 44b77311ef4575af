// The audit log: append-only events, each organization's hash-chain head, and streaming sinks.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';

/**
 * The latest link of each organization's audit hash chain; its row lock serializes appends.
 * `base_seq`/`base_hash` say where the kept chain starts: the last event removed by retention
 * (0 and the genesis hash until retention first runs).
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  organizationId: uuid('organization_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  baseSeq: bigint('base_seq', { mode: 'number' }).notNull().default(0),
  baseHash: text('base_hash').notNull().default('0000000000000000000000000000000000000000000000000000000000000000'),
});

/**
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). Shaped like Retool's audit event;
 * no foreign keys, so history outlives the rows it describes. Each organization's events form a
 * hash chain: `hash` = SHA-256 over `prev_hash` and the event's canonical JSON, numbered by `seq`.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'bigint' }).generatedAlwaysAsIdentity(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id'),
    actionType: text('action_type').notNull(),
    ipAddress: text('ip_address'),
    geoLocation: jsonb('geo_location'),
    responseTimeMs: integer('response_time_ms'),
    pageName: text('page_name'),
    queryName: text('query_name'),
    resourceName: text('resource_name'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    user: jsonb('user').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
    createdAt: createdAt(),
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    // Partitioned by month on created_at (drizzle/0010, lib/audit/partitions.ts): keys of a
    // partitioned table must include created_at, so ids and chain sequence numbers are unique by
    // construction (identity; the chain head's row lock), not by a constraint.
    primaryKey({ columns: [t.id, t.createdAt] }),
    index('audit_events_org_seq_idx').on(t.organizationId, t.seq),
    index('audit_events_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('audit_events_org_user_idx').on(t.organizationId, t.userId, t.createdAt),
    // Matched to the viewer's filters (bench:audit): a request's events, action types (and the
    // chart, answered from the index), and an IP address.
    index('audit_events_org_request_idx').on(t.organizationId, t.requestId),
    index('audit_events_org_action_idx').on(t.organizationId, t.actionType, t.createdAt),
    index('audit_events_org_ip_idx').on(t.organizationId, t.ipAddress, t.createdAt),
  ],
);

export const AUDIT_SINK_KINDS = ['datadog', 'splunk', 'webhook'] as const;

/**
 * Where an organization's audit events are streamed. The audit log itself is the outbox: each
 * sink keeps a cursor on the organization's chain sequence (`cursor_seq`, last delivered), which
 * only ever grows in commit order, and instances lease a sink (`FOR UPDATE SKIP LOCKED`, then
 * `lease_until`) before delivering a batch. `secret` is an encrypted envelope (API key, HEC token
 * or HMAC secret), bound to this row.
 */
export const auditSinks = pgTable(
  'audit_sinks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: AUDIT_SINK_KINDS }).notNull(),
    /** Datadog: the intake origin for the site; Splunk: the HEC URL; webhook: the endpoint. */
    url: text('url').notNull(),
    /** Datadog service and tags, Splunk index and sourcetype. */
    options: jsonb('options').$type<{ service?: string; tags?: string; index?: string; sourcetype?: string }>().notNull().default({}),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    cursorSeq: bigint('cursor_seq', { mode: 'number' }).notNull().default(0),
    deliveredCount: bigint('delivered_count', { mode: 'number' }).notNull().default(0),
    /** Consecutive failed deliveries; drives the backoff. */
    failures: integer('failures').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('audit_sinks_org_name_key').on(t.organizationId, sql`lower(${t.name})`)],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type AuditSink = typeof auditSinks.$inferSelect;
