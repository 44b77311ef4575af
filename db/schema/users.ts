// Users and the invitations that create them.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';
import { scimDirectories } from './scim';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    passwordHash: text('password_hash'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** The group whose workspace homepage the user chose (when several groups offer one). */
    workspaceGroupId: uuid('workspace_group_id'),
    lastActiveAt: timestamp('last_active_at', { withTimezone: true }),
    /** The SCIM directory that provisions this user; its provisioned attributes are read-only in the UI. */
    scimDirectoryId: uuid('scim_directory_id').references((): AnyPgColumn => scimDirectories.id, { onDelete: 'set null' }),
    /** SCIM userName when it differs from the email; SCIM's userName is coalesce(scim_user_name, email). */
    scimUserName: text('scim_user_name'),
    scimExternalId: text('scim_external_id'),
    /** The SCIM attributes the IdP sent that have no column of their own (title, enterprise extension…). */
    scimAttributes: jsonb('scim_attributes').$type<Record<string, unknown>>(),
    /** Deleted through SCIM: disabled, and gone from SCIM's view; a later POST of the same userName revives it. */
    scimDeletedAt: timestamp('scim_deleted_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_org_email_key').on(t.organizationId, sql`lower(${t.email})`),
    uniqueIndex('users_org_user_name_key').on(t.organizationId, sql`lower(coalesce(${t.scimUserName}, ${t.email}))`),
    index('users_org_external_id_idx').on(t.organizationId, t.scimExternalId),
    // SCIM pages through an organization's users in creation order.
    index('users_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  ],
);

/** Single-use invitation links; only the SHA-256 of the token is stored. */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    groupIds: jsonb('group_ids').$type<string[]>().notNull().default([]),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedUserId: uuid('accepted_user_id'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('invites_org_email_idx').on(t.organizationId, sql`lower(${t.email})`)],
);

export type User = typeof users.$inferSelect;
