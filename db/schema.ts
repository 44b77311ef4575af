// Gatehouse's tables. snake_case in SQL, camelCase in TypeScript; every tenant-owned row carries
// organization_id. Migrations are generated from this file into drizzle/ (npm run db:generate).
import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** Per-organization settings; every field has a default, so `{}` is a valid value. */
export type OrganizationSettings = {
  /** Minutes of inactivity after which a session ends (default 480 = 8 h). */
  sessionIdleMinutes?: number;
  /** Minutes after sign-in after which a session ends regardless of activity (default 1440 = 24 h). */
  sessionAbsoluteMinutes?: number;
};

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  settings: jsonb('settings').$type<OrganizationSettings>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    passwordHash: text('password_hash'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    lastActiveAt: timestamp('last_active_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_org_email_key').on(t.organizationId, sql`lower(${t.email})`)],
);

/** `builtin` marks the two groups every organization has; custom groups leave it null. */
export const permissionGroups = pgTable(
  'permission_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    builtin: text('builtin', { enum: ['admin', 'all_users'] }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('permission_groups_org_name_key').on(t.organizationId, sql`lower(${t.name})`),
    uniqueIndex('permission_groups_org_builtin_key').on(t.organizationId, t.builtin),
  ],
);

/** Explicit memberships. "All Users" is implicit and never has rows here. */
export const groupMembers = pgTable(
  'group_members',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => permissionGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

/** The truth about sign-ins: the next-auth JWT only names a row here. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    authMethod: text('auth_method', { enum: ['password'] }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason', { enum: ['logout', 'revoked', 'user_disabled'] }),
  },
  (t) => [index('sessions_user_idx').on(t.userId, t.createdAt)],
);

/** Failed password attempts, for rate limiting across instances. Pruned after an hour. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** lower(email) as typed, whether or not such a user exists. */
    accountKey: text('account_key').notNull(),
    ipAddress: text('ip_address'),
    createdAt: createdAt(),
  },
  (t) => [
    index('sign_in_failures_account_idx').on(t.organizationId, t.accountKey, t.createdAt),
    index('sign_in_failures_ip_idx').on(t.ipAddress, t.createdAt),
  ],
);

/**
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). Shaped like Retool's audit event;
 * no foreign keys, so history outlives the rows it describes.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
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
  },
  (t) => [
    index('audit_events_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('audit_events_org_user_idx').on(t.organizationId, t.userId, t.createdAt),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
