// Response shapes of the public API. Handlers' results are parsed with these (unknown keys are
// dropped), and the OpenAPI document describes them.
import { z } from 'zod';
import { AUDIT_SINK_KINDS } from '@/db/schema';
import { API_SCOPES } from '@/lib/api-tokens/scopes';
import { LEVELS, OBJECT_KINDS } from '@/lib/authz/levels';

const timestamp = z.iso.datetime({ offset: true }).describe('RFC 3339 timestamp');
export const isoDate = z.preprocess((v) => (v instanceof Date ? v.toISOString() : v), timestamp);
const nullableDate = z.preprocess((v) => (v instanceof Date ? v.toISOString() : v), timestamp.nullable());

export const cursorPage = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last page.'),
  });

export const userDto = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    disabled: z.boolean(),
    signInMethods: z.array(z.string()),
    lastLoginAt: nullableDate,
    lastActiveAt: nullableDate,
    groups: z.array(z.object({ id: z.uuid(), name: z.string() })),
  })
  .meta({ id: 'User' });

export const groupDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    builtin: z.enum(['admin', 'all_users']).nullable(),
    members: z.number().int(),
    grants: z.number().int(),
    queryLibraryAccess: z.enum(['none', 'view', 'edit']),
    auditLogAccess: z.boolean(),
    homepageAppId: z.uuid().nullable(),
  })
  .meta({ id: 'Group' });

export const memberDto = z
  .object({ userId: z.uuid(), email: z.string(), name: z.string(), disabled: z.boolean(), isGroupAdmin: z.boolean() })
  .meta({ id: 'GroupMember' });

export const grantDto = z
  .object({
    id: z.uuid(),
    groupId: z.uuid(),
    objectKind: z.enum(OBJECT_KINDS),
    scope: z.enum(['object', 'folder', 'kind']),
    targetId: z.uuid().nullable(),
    level: z.enum(LEVELS),
    /** The grant counts in this environment only; null: in every environment. */
    environmentId: z.uuid().nullable(),
  })
  .meta({ id: 'PermissionGrant' });

export const folderDto = z
  .object({ id: z.uuid(), kind: z.enum(OBJECT_KINDS), name: z.string(), items: z.number().int(), level: z.enum(LEVELS).nullable() })
  .meta({ id: 'Folder' });

export const objectDto = z
  .object({
    id: z.uuid(),
    kind: z.enum(OBJECT_KINDS),
    name: z.string(),
    folderId: z.uuid().nullable(),
    folderName: z.string().nullable(),
    level: z.enum(LEVELS),
  })
  .meta({ id: 'Object' });

export const auditEventDto = z
  .object({
    id: z.string(),
    actionType: z.string(),
    userId: z.uuid().nullable(),
    ipAddress: z.string().nullable(),
    requestId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    user: z.record(z.string(), z.unknown()).nullable(),
    createdAt: isoDate,
  })
  .meta({ id: 'AuditEvent' });

export const auditDestinationDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(AUDIT_SINK_KINDS),
    url: z.string().describe('Where events are sent (for Datadog, the intake origin).'),
    site: z.string().nullable().describe('Datadog: the site whose intake the URL is; null for a custom intake and other kinds.'),
    service: z.string().nullable(),
    tags: z.string().nullable(),
    index: z.string().nullable(),
    sourcetype: z.string().nullable(),
    secretSet: z.literal(true).describe('A secret (API key, HEC token or signing secret) is stored. It is write-only and never returned.'),
    paused: z.boolean().describe('Paused destinations receive nothing; events wait behind their cursor and are sent on resume.'),
    delivery: z.object({
      lagEvents: z.number().int().describe('Events committed but not delivered yet.'),
      oldestPendingAt: nullableDate,
      deliveredCount: z.number().int(),
      failures: z.number().int().describe('Consecutive failed deliveries; delivery backs off while > 0.'),
      lastSuccessAt: nullableDate,
      lastError: z.string().nullable(),
      lastErrorAt: nullableDate,
      nextAttemptAt: nullableDate.describe('While failing: when delivery is tried again.'),
    }),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'AuditDestination' });

export const auditDestinationTestDto = z
  .object({
    ok: z.boolean().describe('The destination accepted the test event (HTTP 2xx).'),
    status: z.number().int().nullable().describe('Its HTTP status; null when it did not answer.'),
    error: z
      .string()
      .nullable()
      .describe('Why not, e.g. "HTTP 403 Forbidden: {\"text\":\"Invalid token\",\"code\":4}" or "No answer within 10 s."'),
  })
  .meta({ id: 'AuditDestinationTest' });

export const meDto = z
  .object({
    token: z.object({ id: z.uuid(), scopes: z.array(z.enum(API_SCOPES)) }),
    organization: z.object({ id: z.uuid(), slug: z.string() }),
    user: z
      .object({ id: z.uuid(), email: z.string(), name: z.string() })
      .nullable()
      .describe('The creator the token acts as; null for operator tokens.'),
  })
  .meta({ id: 'Me' });

export const empty = z.null();

/** Opaque cursors: base64url of a small JSON object. A bad one is a 400, not a crash. */
export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export const cursorParam = <T extends z.ZodType>(shape: T) =>
  z
    .string()
    .max(500)
    .transform((s, ctx) => {
      try {
        const parsed = shape.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
        if (parsed.success) return parsed.data as z.infer<T>;
      } catch {
        // fall through
      }
      ctx.addIssue({ code: 'custom', message: 'Invalid cursor.' });
      return z.NEVER;
    });

export const limitParam = z.coerce.number().int().min(1).max(200).default(50);
