// Gatehouse's tables. snake_case in SQL, camelCase in TypeScript; every tenant-owned row carries
// organization_id. Migrations are generated from this file into drizzle/ (npm run db:generate).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
/** The tenant column of every organization-owned table. */
const organizationId = () =>
  uuid('organization_id')
    .notNull()
    .references((): AnyPgColumn => organizations.id, { onDelete: 'cascade' });

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
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

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

/**
 * The latest link of each organization's audit hash chain; its row lock serializes appends.
 * `base_seq`/`base_hash` say where the kept chain starts: the last event removed by retention
 * (0 and the genesis hash until retention first runs).
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  organizationId: uuid('organization_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  baseSeq: bigint('base_seq', { mode: 'number' }).notNull().default(0),
  baseHash: text('base_hash').notNull().default('0000000000000000000000000000000000000000000000000000000000000000'),
});

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
    revokedReason: text('revoked_reason', { enum: ['logout', 'revoked', 'user_disabled', 'two_factor_reset'] }),
  },
  (t) => [index('sessions_user_idx').on(t.userId, t.createdAt)],
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

/**
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). Shaped like Retool's audit event;
 * no foreign keys, so history outlives the rows it describes. Each organization's events form a
 * hash chain: `hash` = SHA-256 over `prev_hash` and the event's canonical JSON, numbered by `seq`.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'bigint' }).generatedAlwaysAsIdentity(),
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
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    // Partitioned by month on created_at (drizzle/0010, lib/audit/partitions.ts): keys of a
    // partitioned table must include created_at, so ids and chain sequence numbers are unique by
    // construction (identity; the chain head's row lock), not by a constraint.
    primaryKey({ columns: [t.id, t.createdAt] }),
    index('audit_events_org_seq_idx').on(t.organizationId, t.seq),
    index('audit_events_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('audit_events_org_user_idx').on(t.organizationId, t.userId, t.createdAt),
    // Matched to the viewer's filters (bench:audit): a request's events, action types (and the
    // chart, answered from the index), and an IP address.
    index('audit_events_org_request_idx').on(t.organizationId, t.requestId),
    index('audit_events_org_action_idx').on(t.organizationId, t.actionType, t.createdAt),
    index('audit_events_org_ip_idx').on(t.organizationId, t.ipAddress, t.createdAt),
  ],
);

export const AUDIT_SINK_KINDS = ['datadog', 'splunk', 'webhook'] as const;

/**
 * Where an organization's audit events are streamed. The audit log itself is the outbox: each
 * sink keeps a cursor on the organization's chain sequence (`cursor_seq`, last delivered), which
 * only ever grows in commit order, and instances lease a sink (`FOR UPDATE SKIP LOCKED`, then
 * `lease_until`) before delivering a batch. `secret` is an encrypted envelope (API key, HEC token
 * or HMAC secret), bound to this row.
 */
export const auditSinks = pgTable(
  'audit_sinks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: AUDIT_SINK_KINDS }).notNull(),
    /** Datadog: the intake origin for the site; Splunk: the HEC URL; webhook: the endpoint. */
    url: text('url').notNull(),
    /** Datadog service and tags, Splunk index and sourcetype. */
    options: jsonb('options').$type<{ service?: string; tags?: string; index?: string; sourcetype?: string }>().notNull().default({}),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    cursorSeq: bigint('cursor_seq', { mode: 'number' }).notNull().default(0),
    deliveredCount: bigint('delivered_count', { mode: 'number' }).notNull().default(0),
    /** Consecutive failed deliveries; drives the backoff. */
    failures: integer('failures').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('audit_sinks_org_name_key').on(t.organizationId, sql`lower(${t.name})`)],
);

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

/**
 * An organization's OIDC single sign-on connection (one per organization), run by the embedded
 * Jackson: `jackson_client_id` names Jackson's copy, which holds the client secret (encrypted
 * with GATEHOUSE_SSO_ENCRYPTION_KEY). This row holds what Gatehouse decides with.
 */
export const ssoConnections = pgTable('sso_connections', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: organizationId().unique(),
  jacksonClientId: text('jackson_client_id').notNull().unique(),
  /** The protocol: an organization's one connection is either OIDC or SAML (decision 0015). */
  type: text('type', { enum: ['oidc', 'saml'] })
    .notNull()
    .default('oidc'),
  /** OIDC only. */
  discoveryUrl: text('discovery_url'),
  /** OIDC only. */
  clientId: text('client_id'),
  /** SAML only: the IdP's entity id (its Issuer), read from its metadata. */
  samlIdpEntityId: text('saml_idp_entity_id'),
  /** SAML only: where the metadata was fetched from, when given as a URL (null when pasted). */
  samlMetadataUrl: text('saml_metadata_url'),
  /** SAML only: accept unsolicited (IdP-initiated) responses. Off unless the organization turns it on. */
  samlIdpInitiated: boolean('saml_idp_initiated').notNull().default(false),
  /** Dotted claim paths in the ID token / userinfo (e.g. `email`, `realm_access.roles`). */
  emailClaim: text('email_claim').notNull().default('email'),
  nameClaim: text('name_claim').notNull().default('name'),
  groupsClaim: text('groups_claim').notNull().default('groups'),
  /**
   * OIDC only: where the email and groups claims are read. `id_token`: the ID token's claims merged
   * with userinfo; `access_token`: the IdP's access token, which must be a JWT that verifies
   * against the IdP's JWKS (lib/sso/access-token.ts).
   */
  emailClaimSource: text('email_claim_source', { enum: ['id_token', 'access_token'] })
    .notNull()
    .default('id_token'),
  groupsClaimSource: text('groups_claim_source', { enum: ['id_token', 'access_token'] })
    .notNull()
    .default('id_token'),
  /** Just-in-time provisioning: an unknown subject becomes a new user (off → refused). */
  jitEnabled: boolean('jit_enabled').notNull().default(false),
  defaultGroupId: uuid('default_group_id').references((): AnyPgColumn => permissionGroups.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Who an IdP subject is here: keyed by (organization, connection, subject), never by email. */
export const ssoIdentities = pgTable(
  'sso_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('sso_identities_org_connection_subject_key').on(t.organizationId, t.connectionId, t.subject),
    index('sso_identities_user_idx').on(t.userId),
  ],
);

/** Who a Google account is here: keyed by (organization, Google's `sub`), never by email (0016). */
export const googleIdentities = pgTable(
  'google_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('google_identities_org_subject_key').on(t.organizationId, t.subject),
    index('google_identities_user_idx').on(t.userId),
  ],
);

/**
 * An SSO or Google identity waiting to be linked to the existing account with its email: created
 * when such a sign-in finds the email taken, bound to that browser by an httpOnly cookie holding a
 * random token (hashed here), used once, 10 minutes. Only the account's password (and its second
 * factor when enrolled) completes it (lib/auth/identity-link.ts).
 */
export const identityLinkRequests = pgTable(
  'identity_link_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['sso', 'google'] }).notNull(),
    /** SSO only. */
    connectionId: uuid('connection_id').references(() => ssoConnections.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    /** The email the IdP asserted (for the audit row). */
    email: text('email').notNull(),
    /** SSO only: the groups the IdP asserted, mapped when the link completes (a sign-in like any other). */
    idpGroups: jsonb('idp_groups').$type<string[]>().notNull().default([]),
    tokenHash: text('token_hash').notNull().unique(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('identity_link_requests_user_idx').on(t.userId, t.createdAt)],
);

/** IdP group value → permission group; applied (added and removed) at every SSO sign-in. */
export const ssoGroupMappings = pgTable(
  'sso_group_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationId(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    idpGroup: text('idp_group').notNull(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => permissionGroups.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('sso_group_mappings_key').on(t.connectionId, t.idpGroup, t.groupId)],
);

/**
 * SAML assertion ids already used, per connection: a replayed assertion is refused until it would
 * have expired anyway (`expires_at`: its NotOnOrAfter plus the allowed clock skew).
 */
export const ssoSamlAssertions = pgTable(
  'sso_saml_assertions',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    assertionId: text('assertion_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.assertionId] }), index('sso_saml_assertions_expires_idx').on(t.expiresAt)],
);

/** Jackson's own key-value store (lib/sso/jackson-store.ts implements its DatabaseDriver on it). */
export const jacksonSchema = pgSchema('jackson');

export const jacksonStore = jacksonSchema.table(
  'store',
  {
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    /** Jackson's AES-GCM ciphertext (with iv and tag) of the JSON value. */
    value: text('value').notNull(),
    iv: text('iv'),
    tag: text('tag'),
    createdAt: createdAt(),
    modifiedAt: timestamp('modified_at', { withTimezone: true }),
    /** Sessions, codes and tokens expire; reads ignore expired rows and writes prune them. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.namespace, t.key] }),
    index('jackson_store_created_idx').on(t.namespace, t.createdAt),
    index('jackson_store_expires_idx').on(t.expiresAt),
  ],
);

export const jacksonIndex = jacksonSchema.table(
  'store_index',
  {
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    /** `<index name>:<index value digest>`, as Jackson's other drivers key it. */
    indexKey: text('index_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.indexKey, t.key] }), index('jackson_store_index_key_idx').on(t.namespace, t.key)],
);

export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type PermissionGroup = typeof permissionGroups.$inferSelect;
export type ObjectRow = typeof objects.$inferSelect;
export type FolderRow = typeof folders.$inferSelect;
export type ScimDirectory = typeof scimDirectories.$inferSelect;
export type AuditSink = typeof auditSinks.$inferSelect;
export type TwoFactorCredential = typeof twoFactorCredentials.$inferSelect;
export type SignInChallenge = typeof signInChallenges.$inferSelect;
export type Environment = typeof environments.$inferSelect;
export type ResourceConfigRow = typeof resourceConfigs.$inferSelect;
export type ConfigVariable = typeof configVariables.$inferSelect;
export type SsoConnection = typeof ssoConnections.$inferSelect;
