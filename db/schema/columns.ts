// The columns most tables share. Not re-exported by the index: they are not tables.
import { timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
/** The tenant column of every organization-owned table. */
export const organizationId = () =>
  uuid('organization_id')
    .notNull()
    .references((): AnyPgColumn => organizations.id, { onDelete: 'cascade' });
