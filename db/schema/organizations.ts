// The tenant: every other organization-owned row references it (./columns organizationId()).
import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Per-organization settings; every field has a default, so `{}` is a valid value. */
export type OrganizationSettings = {
  /** Minutes of inactivity after which a session ends (default 480 = 8 h). */
  sessionIdleMinutes?: number;
  /** Minutes after sign-in after which a session ends regardless of activity (default 1440 = 24 h). */
  sessionAbsoluteMinutes?: number;
  /** Audit events older than this many days are deleted by the retention job (default 365). */
  auditRetentionDays?: number;
  /** Legal hold: the retention job deletes nothing while it is on. */
  auditLegalHold?: boolean;
  /** Every user must pass a second factor (TOTP) to sign in; users without one enroll at sign-in. */
  requireTwoFactor?: boolean;
  /** Refuse (403) and audit query runs whose request claims `current_user` values other than the session's (default true). */
  preventQueryVariableSpoofing?: boolean;
  /** Password sign-in is refused except for the break-glass admins below (lib/auth/sso-enforcement.ts). */
  enforceSso?: boolean;
  /** Admins who may still sign in with a password (and their TOTP) while SSO is enforced. */
  breakGlassUserIds?: string[];
  /** Sign in with Google (when the instance has GOOGLE_CLIENT_ID); see lib/auth/google.ts. */
  google?: GoogleSignInSettings;
};

export type GoogleSignInSettings = {
  enabled: boolean;
  /** Google Workspace domains (the `hd` claim) allowed in; empty → any verified Google account. */
  allowedDomains: string[];
  /** Just-in-time provisioning of unknown Google accounts (off → refused). */
  jitEnabled: boolean;
  defaultGroupId: string | null;
};

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  settings: jsonb('settings').$type<OrganizationSettings>().notNull().default({}),
  // Written out: ./columns' helpers reference this table, so it imports nothing from there.
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Organization = typeof organizations.$inferSelect;
