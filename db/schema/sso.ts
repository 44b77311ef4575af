// Signing in through an identity provider: SSO connections (run by the embedded Jackson, whose
// own store is here too), Google accounts, and linking either to an existing account.
import {
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
import { createdAt, organizationId, updatedAt } from './columns';
import { permissionGroups } from './groups';
import { users } from './users';

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
  /** SAML only: accept RSA-SHA1 signatures and SHA-1 digests. Off unless the organization turns it on (0034). */
  samlAllowSha1: boolean('saml_allow_sha1').notNull().default(false),
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

export type SsoConnection = typeof ssoConnections.$inferSelect;
