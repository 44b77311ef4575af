// The public API: tokens, idempotent replays, and rate-limit windows.
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizationId } from './columns';
import { users } from './users';

/**
 * Public API tokens. Only the SHA-256 of the token is stored. A token acts as its creator (never
 * beyond their access, dead once they are disabled); created_by is null for operator (CLI) tokens.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'cascade' }),
    note: text('note').notNull().default(''),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, to recognise it in lists. */
    prefix: text('prefix').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('api_tokens_org_idx').on(t.organizationId, t.createdAt)],
);

/** Responses to POSTs that carried an Idempotency-Key, replayed for 24 hours. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tokenId: uuid('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] })],
);

/** Fixed-window request counters (per API token), shared by every instance. */
export const rateLimitWindows = pgTable(
  'rate_limit_windows',
  {
    bucket: text('bucket').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })],
);
