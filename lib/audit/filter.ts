// The audit viewer's URL: one schema turns search params into a filter (and a page position),
// and one serializer turns a filter back into a query string, so the filter bar, the export
// links, pagination and "filter by this value" all build the same URLs. Pure: no database.
import { z } from 'zod';
import { isStorableText, printable } from '@/lib/storable-text';
import { auditActionTypes } from './events';

export const AUDIT_RANGES = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const;
export type AuditRange = keyof typeof AUDIT_RANGES;

/** What the database filters on; every field narrows the result. */
export type AuditFilter = {
  actionTypes?: string[];
  userId?: string;
  /** Matched case-insensitively against the user snapshot stored with the event. */
  userEmail?: string;
  from?: Date;
  to?: Date;
  requestId?: string;
  /** page_name or metadata.appName. */
  app?: string;
  query?: string;
  resource?: string;
  /** *_FAILED action types, metadata.status >= 400, or any metadata.error. */
  errorsOnly?: boolean;
  ip?: string;
  /** Free text over the metadata's JSON. */
  text?: string;
};

/** A position in the newest-first listing. */
export type AuditCursor = { createdAt: Date; id: string };

const MAX_BIGINT = 9223372036854775807n;

/** An audit_events id: digits that fit Postgres' bigint (anything larger would be a 500, not a miss). */
export function isAuditEventId(s: string): boolean {
  return /^\d{1,19}$/.test(s) && BigInt(s) <= MAX_BIGINT;
}

// created_at always comes from a JS Date (record.ts hashes it), so milliseconds are exact.
export function encodeAuditCursor(c: AuditCursor): string {
  return Buffer.from(`${c.createdAt.getTime()}:${c.id}`).toString('base64url');
}

export function decodeAuditCursor(s: string): AuditCursor | null {
  const m = /^(\d{1,13}):(\d{1,19})$/.exec(Buffer.from(s, 'base64url').toString());
  return m && isAuditEventId(m[2]!) ? { createdAt: new Date(Number(m[1])), id: m[2]! } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const knownActions: ReadonlySet<string> = new Set(auditActionTypes);
const bounded = (max: number) => z.string().max(max, `longer than ${max} characters`).refine(isStorableText, 'holds a NUL character');

// ISO 8601 date and time, seconds optional. datetime-local inputs send no offset; the viewer
// shows UTC, so that is what they mean.
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/i;
const instant = z
  .string()
  .regex(ISO_DATETIME, 'not a date and time')
  .transform((s) => new Date(/(Z|[+-]\d{2}:\d{2})$/i.test(s) ? s : `${s}Z`))
  .refine((d) => !Number.isNaN(d.getTime()), 'not a date and time')
  // Postgres has no year 0, and toISOString() writes years past 9999 in a form it cannot read.
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'out of range');

const cursor = z.string().transform((s, ctx) => {
  const c = decodeAuditCursor(s);
  if (!c) ctx.addIssue({ code: 'custom', message: 'not a page position' });
  return c ?? z.NEVER;
});

export const auditSearchInput = z
  .object({
    range: z.enum(Object.keys(AUDIT_RANGES) as [AuditRange, ...AuditRange[]], { error: 'not one of 1h, 24h, 7d, 30d, 90d' }).optional(),
    from: instant.optional(),
    to: instant.optional(),
    user: bounded(320)
      .refine((v) => UUID.test(v) || v.includes('@'), 'neither a user id nor an email')
      .optional(),
    action: z
      .array(z.string().refine((a) => knownActions.has(a), 'not a known action type'))
      .max(100, 'too many action types')
      .default([]),
    app: bounded(200).optional(),
    query: bounded(200).optional(),
    resource: bounded(200).optional(),
    errors: z
      .enum(['1', 'true', 'on', '0', 'false'], { error: 'use errors=1' })
      .optional()
      .transform((v) => v === '1' || v === 'true' || v === 'on'),
    ip: bounded(64)
      .regex(/^[0-9A-Za-z:.%-]+$/, 'not an IP address')
      .optional(),
    requestId: bounded(128)
      .regex(/^[A-Za-z0-9._:-]+$/, 'not a request id')
      .optional(),
    q: bounded(200).optional(),
    /** Events older than this position (the "Older" link). */
    before: cursor.optional(),
    /** Events newer than this position (the "Newer" link). */
    after: cursor.optional(),
    /** The event shown in the detail panel. */
    event: z.string().refine(isAuditEventId, 'not an event id').optional(),
  })
  .superRefine((s, ctx) => {
    if (s.from && s.to && s.from >= s.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'not after From' });
  });

export type AuditSearch = z.output<typeof auditSearchInput>;
type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

const FIELD_LABELS: Record<string, string> = {
  range: 'time range',
  from: 'From',
  to: 'To',
  user: 'user',
  action: 'action type',
  app: 'app',
  query: 'query',
  resource: 'resource',
  errors: 'errors only',
  ip: 'IP address',
  requestId: 'request id',
  q: 'text',
  before: 'page position',
  after: 'page position',
  event: 'event',
};

/** Every value of every key, trimmed, empty ones dropped (a GET form sends every field). */
function valuesOf(params: SearchParamsLike): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, value: string) => {
    const v = value.trim();
    if (v) out.set(key, [...(out.get(key) ?? []), v]);
  };
  if (params instanceof URLSearchParams) params.forEach((value, key) => add(key, value));
  else for (const [key, value] of Object.entries(params)) for (const v of [value ?? []].flat()) add(key, v);
  return out;
}

/** The shape the schema reads: `action` as one list (repeated and comma-separated), the rest as the first value. */
function rawInput(params: SearchParamsLike): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, values] of valuesOf(params)) {
    raw[key] =
      key === 'action'
        ? [
            ...new Set(
              values
                .flatMap((v) => v.split(','))
                .map((v) => v.trim())
                .filter(Boolean),
            ),
          ]
        : values[0];
  }
  return raw;
}

function describeIssue(raw: Record<string, unknown>, issue: z.core.$ZodIssue): string {
  const [key, index] = issue.path;
  const value = typeof index === 'number' ? (raw[String(key)] as unknown[])[index] : raw[String(key)];
  const shown = typeof value === 'string' ? ` "${printable(value.length > 40 ? `${value.slice(0, 40)}…` : value)}"` : '';
  return `Ignored ${FIELD_LABELS[String(key)] ?? String(key)}${shown}: ${issue.message}.`;
}

/** Removes the values the issues point at: one entry of a list, or the whole field. */
function withoutInvalid(raw: Record<string, unknown>, issues: z.core.$ZodIssue[]): Record<string, unknown> {
  const next = { ...raw };
  for (const { path } of issues) {
    const [key, index] = path;
    if (typeof index === 'number' && Array.isArray(next[String(key)])) {
      next[String(key)] = (next[String(key)] as unknown[]).map((v, i) => (i === index ? undefined : v));
    } else {
      delete next[String(key)];
    }
  }
  for (const [key, value] of Object.entries(next)) if (Array.isArray(value)) next[key] = value.filter((v) => v !== undefined);
  return next;
}

/**
 * Reads the viewer's search params. Invalid values never fail the page: each is dropped and
 * described in `notes`, and the rest of the filter still applies.
 */
export function parseAuditSearch(params: SearchParamsLike): { search: AuditSearch; notes: string[] } {
  let raw = rawInput(params);
  const notes: string[] = [];
  // Cross-field checks only run once the fields are valid, so a second pass can find more.
  for (let pass = 0; pass < 3; pass++) {
    const parsed = auditSearchInput.safeParse(raw);
    if (parsed.success) return { search: parsed.data, notes };
    notes.push(...parsed.error.issues.map((i) => describeIssue(raw, i)));
    raw = withoutInvalid(raw, parsed.error.issues);
  }
  return { search: auditSearchInput.parse({}), notes };
}

/** The filter the search describes, with a preset range resolved against `now`. Explicit From/To win over a preset. */
export function auditFilterOf(search: AuditSearch, now = new Date()): AuditFilter {
  const explicit = search.from || search.to;
  const user = search.user;
  return {
    actionTypes: search.action.length ? search.action : undefined,
    userId: user && UUID.test(user) ? user.toLowerCase() : undefined,
    userEmail: user && !UUID.test(user) ? user : undefined,
    from: explicit ? search.from : search.range ? new Date(now.getTime() - AUDIT_RANGES[search.range]) : undefined,
    to: explicit ? search.to : undefined,
    requestId: search.requestId,
    app: search.app,
    query: search.query,
    resource: search.resource,
    errorsOnly: search.errors || undefined,
    ip: search.ip,
    text: search.q,
  };
}

/** The filter fields "filter by this value" can set. */
export type AuditFilterField = 'action' | 'user' | 'app' | 'query' | 'resource' | 'ip' | 'requestId' | 'q';

/** The search with one field set to `value` (an action type replaces the selection). */
export function withFilterValue(search: AuditSearch, field: AuditFilterField, value: string): AuditSearch {
  return field === 'action' ? { ...search, action: [value] } : { ...search, [field]: value };
}

type Position = { before?: AuditCursor; after?: AuditCursor; event?: string };

/**
 * The query string for a search: the filter fields, then an optional page position and event.
 * Without a position the link starts at the newest events.
 */
export function auditSearchQuery(search: AuditSearch, position: Position = {}): string {
  const p = new URLSearchParams();
  const explicit = search.from || search.to;
  if (search.range && !explicit) p.set('range', search.range);
  if (search.from) p.set('from', search.from.toISOString());
  if (search.to) p.set('to', search.to.toISOString());
  if (search.user) p.set('user', search.user);
  for (const a of search.action) p.append('action', a);
  for (const key of ['app', 'query', 'resource'] as const) if (search[key]) p.set(key, search[key]);
  if (search.errors) p.set('errors', '1');
  for (const key of ['ip', 'requestId', 'q'] as const) if (search[key]) p.set(key, search[key]);
  if (position.before) p.set('before', encodeAuditCursor(position.before));
  if (position.after) p.set('after', encodeAuditCursor(position.after));
  if (position.event) p.set('event', position.event);
  return p.toString();
}

export const AUDIT_BUCKETS = { '5 minutes': 300_000, '1 hour': 3_600_000, '1 day': 86_400_000, '7 days': 7 * 86_400_000 } as const;
export type AuditBucket = keyof typeof AUDIT_BUCKETS;
const MAX_BARS = 100;

/** The finest bucket that draws the span in at most 100 bars: 5 minutes for 1h, an hour for 24h, a day for 7–90 days. */
export function bucketFor(from: Date, to: Date): AuditBucket {
  const span = Math.max(to.getTime() - from.getTime(), 0);
  const fits = (Object.keys(AUDIT_BUCKETS) as AuditBucket[]).find((b) => span / AUDIT_BUCKETS[b] <= MAX_BARS);
  return fits ?? '7 days';
}
