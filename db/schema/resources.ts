// Environments, resources' per-environment configuration, and config variables.
import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';
import { objects } from './objects';

/**
 * Where resources run: every organization has `production` (the default: never deleted or
 * renamed) and `staging`, and admins add more. Each has a display colour.
 */
export const environments = pgTable(
  'environments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    /** A #rrggbb colour for badges. */
    color: text('color').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('environments_org_name_key').on(t.organizationId, sql`lower(${t.name})`),
    uniqueIndex('environments_org_default_key')
      .on(t.organizationId)
      .where(sql`${t.isDefault}`),
  ],
);

export const RESOURCE_TYPES = ['postgres', 'rest', 'sample'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * A resource's connection settings in one environment. `options` holds the fields that may be
 * shown (host, base URL, headers…); `secrets` is an encrypted envelope, bound to this row, of a
 * JSON object with the write-only fields (password, tokens, connection string). Both may contain
 * `{{ secrets.X }}` and `{{ environment.variables.X }}`, resolved on the server when used.
 */
export const resourceConfigs = pgTable(
  'resource_configs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    resourceId: uuid('resource_id')
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    environmentId: uuid('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    type: text('type', { enum: RESOURCE_TYPES }).notNull(),
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    secrets: text('secrets').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('resource_configs_resource_env_key').on(t.resourceId, t.environmentId),
    index('resource_configs_org_idx').on(t.organizationId),
  ],
);

/** Named values per environment, referenced in resource configuration as `{{ environment.variables.NAME }}`. */
export const configVariables = pgTable(
  'config_variables',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Secret values are encrypted, write-only, and usable only inside resource configuration. */
    secret: boolean('secret').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('config_variables_org_name_key').on(t.organizationId, t.name)],
);

/** One variable's value in one environment: `value` for plain variables, `value_enc` (an envelope) for secret ones. */
export const configVariableValues = pgTable(
  'config_variable_values',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    variableId: uuid('variable_id')
      .notNull()
      .references(() => configVariables.id, { onDelete: 'cascade' }),
    environmentId: uuid('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    value: text('value'),
    valueEnc: text('value_enc'),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('config_variable_values_key').on(t.variableId, t.environmentId)],
);

export type Environment = typeof environments.$inferSelect;
export type ResourceConfigRow = typeof resourceConfigs.$inferSelect;
export type ConfigVariable = typeof configVariables.$inferSelect;
