// SCIM 2.0 directories and their request log.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';

/**
 * SCIM 2.0 directories: each is one IdP connection with its own base URL and bearer token (only
 * the SHA-256 is kept; rotating replaces it, so the old token dies at once).
 */
export const scimDirectories = pgTable(
  'scim_directories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    tokenPrefix: text('token_prefix').notNull(),
    /** A paused directory answers 503, so the IdP keeps its changes and retries later. */
    paused: boolean('paused').notNull().default(false),
    tokenRotatedAt: timestamp('token_rotated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('scim_directories_org_name_key').on(t.organizationId, sql`lower(${t.name})`)],
);

/** The last 1,000 requests per SCIM directory, for admins debugging provisioning. */
export const scimRequests = pgTable(
  'scim_requests',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    directoryId: uuid('directory_id')
      .notNull()
      .references(() => scimDirectories.id, { onDelete: 'cascade' }),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [index('scim_requests_directory_idx').on(t.directoryId, t.id)],
);

export type ScimDirectory = typeof scimDirectories.$inferSelect;
