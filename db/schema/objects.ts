// Apps, resources and workflows (one objects table, decision 0006), their folders, app drafts and
// releases, and the query library.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';
import { users } from './users';

export const OBJECT_KIND_VALUES = ['app', 'resource', 'workflow'] as const;

/** Folders group apps, resources or workflows (one kind per folder); grants on a folder are inherited. */
export const folders = pgTable(
  'folders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    objectKind: text('object_kind', { enum: OBJECT_KIND_VALUES }).notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('folders_org_kind_name_key').on(t.organizationId, t.objectKind, sql`lower(${t.name})`)],
);

/**
 * Apps, resources and workflows as named objects in folders. What runs inside them lives in
 * tables of their own that reference this one.
 */
export const objects = pgTable(
  'objects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    kind: text('kind', { enum: OBJECT_KIND_VALUES }).notNull(),
    name: text('name').notNull(),
    folderId: uuid('folder_id').references(() => folders.id, { onDelete: 'restrict' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('objects_org_kind_name_key').on(t.organizationId, t.kind, sql`lower(${t.name})`),
    index('objects_org_kind_folder_idx').on(t.organizationId, t.kind, t.folderId),
  ],
);

/** An app's working copy (pageVersion "latest"): its editors see and run it; viewers never do. */
export const appDrafts = pgTable('app_drafts', {
  appId: uuid('app_id')
    .primaryKey()
    .references(() => objects.id, { onDelete: 'cascade' }),
  organizationId: organizationId(),
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A numbered, immutable release of an app; viewers get the newest. */
export const appReleases = pgTable(
  'app_releases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    appId: uuid('app_id')
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    releasedBy: uuid('released_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('app_releases_app_version_key').on(t.appId, t.version), index('app_releases_org_idx').on(t.organizationId)],
);

/**
 * The query library: saved queries shared across apps. Each edit adds an immutable version; an
 * app names a library query by id and version (pinned), so a release keeps running what it was
 * released with. Reading needs the group setting "query library: view", writing "edit".
 */
export const libraryQueries = pgTable(
  'library_queries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    latestVersion: integer('latest_version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('library_queries_org_name_key').on(t.organizationId, sql`lower(${t.name})`)],
);

/** One version of a library query: its resource and body (SQL or REST, "disable logging for"). Never updated. */
export const libraryQueryVersions = pgTable(
  'library_query_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    libraryQueryId: uuid('library_query_id')
      .notNull()
      .references(() => libraryQueries.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    /** The query without name and resource: `{ type: 'sql', sql, disableLoggingFor }` or the REST fields. */
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('library_query_versions_key').on(t.libraryQueryId, t.version),
    index('library_query_versions_org_idx').on(t.organizationId),
  ],
);

export type ObjectRow = typeof objects.$inferSelect;
export type FolderRow = typeof folders.$inferSelect;
