// Signing in and staying signed in: sessions, failed attempts, second factors, pending challenges.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizationId, updatedAt } from './columns';
import { users } from './users';

export const SECOND_FACTORS = ['totp', 'recovery_code'] as const;

/** The truth about sign-ins: the next-auth JWT only names a row here. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    authMethod: text('auth_method', { enum: ['password', 'sso', 'google'] }).notNull(),
    /** The second factor passed at sign-in, if any. */
    secondFactor: text('second_factor', { enum: SECOND_FACTORS }),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason', {
      enum: ['logout', 'revoked', 'user_disabled', 'two_factor_reset', 'two_factor_disabled', 'password_changed', 'expired'],
    }),
  },
  (t) => [
    index('sessions_user_idx').on(t.userId, t.createdAt),
    // A change of the organization's session limits looks at its sessions not revoked (lib/sessions/writes.ts).
    index('sessions_org_live_idx')
      .on(t.organizationId, t.createdAt)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/** Failed password attempts, for rate limiting across instances. Pruned after an hour. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: organizationId(),
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
 * A user's TOTP authenticator (RFC 6238). `secret` is the base32 seed as an encrypted envelope
 * bound to this row. Unconfirmed until the user proves it with a code; `last_used_step` is the
 * newest accepted time step, so no code (nor an older one) is accepted twice.
 */
export const twoFactorCredentials = pgTable(
  'two_factor_credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    secret: text('secret').notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    lastUsedStep: bigint('last_used_step', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('two_factor_credentials_user_key').on(t.userId)],
);

/** Single-use recovery codes, kept only as SHA-256. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId), uniqueIndex('recovery_codes_user_hash_key').on(t.userId, t.codeHash)],
);

/**
 * A sign-in that passed its first factor and waits for the second: no session exists until it
 * does. Bound to the browser by a cookie holding a token whose SHA-256 is `token_hash`; dies after
 * `expires_at`, after MAX attempts, or once used. `kind` 'enroll' when the organization requires
 * two-factor and the user has none yet. `method` is the first factor, for later sign-in methods.
 */
export const signInChallenges = pgTable(
  'sign_in_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    method: text('method', { enum: ['password'] }).notNull(),
    kind: text('kind', { enum: ['verify', 'enroll'] }).notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    /** Enrollment confirmed inside this sign-in; the session may be created without another code. */
    passedAt: timestamp('passed_at', { withTimezone: true }),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sign_in_challenges_user_idx').on(t.userId, t.createdAt)],
);

export type Session = typeof sessions.$inferSelect;
export type TwoFactorCredential = typeof twoFactorCredentials.$inferSelect;
export type SignInChallenge = typeof signInChallenges.$inferSelect;
