// Permission groups, their members, and their grants on objects (lib/authz reads them).
import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';
import { OBJECT_KIND_VALUES, objects } from './objects';
import { environments } from './resources';
import { scimDirectories } from './scim';
import { users } from './users';

/** `builtin` marks the two groups every organization has; custom groups leave it null. */
export const permissionGroups = pgTable(
  'permission_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    builtin: text('builtin', { enum: ['admin', 'all_users'] }),
    queryLibraryAccess: text('query_library_access', { enum: ['none', 'view', 'edit'] })
      .notNull()
      .default('none'),
    auditLogAccess: boolean('audit_log_access').notNull().default(false),
    /** Workspace: the app members without Edit on any app land on after signing in. */
    homepageAppId: uuid('homepage_app_id').references((): AnyPgColumn => objects.id, { onDelete: 'set null' }),
    /** The SCIM directory that manages this group's name and members (grants stay ours). */
    scimDirectoryId: uuid('scim_directory_id').references((): AnyPgColumn => scimDirectories.id, { onDelete: 'set null' }),
    scimExternalId: text('scim_external_id'),
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
    organizationId: organizationId(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => permissionGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Manages this group's membership, and nothing else. */
    isGroupAdmin: boolean('is_group_admin').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

/** `(group, target, level[, environment])`: target is one object, a folder of them, or the whole kind (target_id null). */
export const permissionGrants = pgTable(
  'permission_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => permissionGroups.id, { onDelete: 'cascade' }),
    objectKind: text('object_kind', { enum: OBJECT_KIND_VALUES }).notNull(),
    scope: text('scope', { enum: ['object', 'folder', 'kind'] }).notNull(),
    targetId: uuid('target_id'),
    level: text('level', { enum: ['use', 'edit', 'own'] }).notNull(),
    /** Limits the grant to one environment ("Edit on staging only"); null: every environment. */
    environmentId: uuid('environment_id').references((): AnyPgColumn => environments.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('permission_grants_target_key').on(
      t.groupId,
      t.objectKind,
      t.scope,
      sql`coalesce(${t.targetId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`coalesce(${t.environmentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
    ),
    index('permission_grants_target_idx').on(t.organizationId, t.targetId),
  ],
);

export type PermissionGroup = typeof permissionGroups.$inferSelect;
