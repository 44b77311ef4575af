// The catalogue of audit events: one strict schema per actionType, in Retool's SCREAMING_SNAKE
// vocabulary. Strict objects, so nothing unlisted (a password, a token) can ride along.
import { z } from 'zod';

const id = z.uuid();
const method = z.enum(['password', 'sso', 'google']);
const secondFactor = z.enum(['totp', 'recovery_code']);
/** Where two-factor was set up: the account page, or the sign-in of an organization that requires it. */
const enrolledVia = z.enum(['account', 'sign_in']);
const kind = z.enum(['app', 'resource', 'workflow']);
const level = z.enum(['use', 'edit', 'own']);
const resourceType = z.enum(['postgres', 'rest', 'sample']);
const groupRef = { groupId: id, groupName: z.string() };
const groupRef0 = z.strictObject({ groupId: id, groupName: z.string() });
const groupSettings = z.strictObject({
  name: z.string(),
  queryLibraryAccess: z.enum(['none', 'view', 'edit']),
  auditLogAccess: z.boolean(),
  homepageAppId: id.nullable(),
});
/** A streaming destination's settings as audited; its secret is never among them. */
const sinkSettings = z.strictObject({
  name: z.string(),
  url: z.string(),
  service: z.string().nullable(),
  tags: z.string().nullable(),
  index: z.string().nullable(),
  sourcetype: z.string().nullable(),
});
const userProfile = z.strictObject({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().optional(),
  userName: z.string().optional(),
  externalId: z.string().nullable().optional(),
});
/**
 * Why an OpenID ID token (Google, OIDC connections) was refused by lib/auth/id-token.ts, after its
 * signature, issuer and audience were verified: no nonce, or not this sign-in's; expired (or no
 * `exp`); not valid yet (`nbf`); issued in the future (or no `iat`). Each beyond the allowed skew.
 */
export const ID_TOKEN_FAILURE_REASONS = [
  'id_token_nonce_missing',
  'id_token_nonce_mismatch',
  'id_token_expired',
  'id_token_not_yet_valid',
  'id_token_issued_in_future',
] as const;
/** Why an SSO sign-in was refused (LOGIN_FAILED with method `sso`). */
export const SSO_FAILURE_REASONS = [
  ...ID_TOKEN_FAILURE_REASONS,
  'missing_state',
  'state_mismatch',
  'idp_error',
  'token_rejected',
  'wrong_organization',
  'no_connection',
  'missing_claims',
  // The subject or the email holds text Postgres cannot store (a NUL, a broken surrogate).
  'unstorable_claims',
  'unknown_user',
  'email_taken',
  'user_disabled',
  // OIDC, claims read from the access token: it is opaque, or it failed verification (signature
  // against the IdP's JWKS, issuer, expiry).
  'access_token_not_jwt',
  'access_token_rejected',
  // SAML: refused by our own checks on the raw response (lib/sso/saml-checks.ts).
  'saml_too_large',
  'saml_malformed',
  'saml_assertion_count',
  'saml_audience',
  'saml_destination',
  'saml_recipient',
  'saml_expired',
  'saml_in_response_to',
  // A SHA-1 signature method or digest, and the connection does not allow SHA-1.
  'saml_sha1',
  'saml_replayed',
  'saml_idp_initiated_off',
  'saml_rejected',
] as const;
/** Why a Google sign-in was refused (LOGIN_FAILED with method `google`). */
export const GOOGLE_FAILURE_REASONS = [
  ...ID_TOKEN_FAILURE_REASONS,
  'missing_state',
  'not_enabled',
  'sso_enforced',
  'email_not_verified',
  'domain_not_allowed',
  'unknown_user',
  'email_taken',
  'user_disabled',
] as const;
const googleSettings = z.strictObject({
  enabled: z.boolean(),
  allowedDomains: z.array(z.string()),
  jitEnabled: z.boolean(),
  defaultGroupId: id.nullable(),
});
const claimSource = z.enum(['id_token', 'access_token']);
const ssoConnectionSettings = z.strictObject({
  /** Absent on rows written before SAML existed: those were OIDC. */
  type: z.enum(['oidc', 'saml']).optional(),
  discoveryUrl: z.string().optional(),
  clientId: z.string().optional(),
  samlIdpEntityId: z.string().optional(),
  samlMetadataUrl: z.string().nullable().optional(),
  samlIdpInitiated: z.boolean().optional(),
  /** SAML only; absent on rows written before the setting existed (SHA-1 was accepted then). */
  samlAllowSha1: z.boolean().optional(),
  secretChanged: z.boolean().optional(),
  emailClaim: z.string(),
  nameClaim: z.string(),
  groupsClaim: z.string(),
  /** OIDC only; absent on rows written before claims could come from the access token. */
  emailClaimSource: claimSource.optional(),
  groupsClaimSource: claimSource.optional(),
  jitEnabled: z.boolean(),
  defaultGroupId: id.nullable(),
  groupMappings: z.array(z.strictObject({ idpGroup: z.string(), groupId: id })),
});
/** A query as the app defines it: its template text, never the values that went into it. */
const queryTemplate = z.strictObject({
  type: z.enum(['sql', 'rest']),
  resourceId: id,
  sql: z.string().optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  disableLoggingFor: z.array(z.string()),
  /** Set when the app's query is a query library reference: which one, at which version. */
  libraryQueryId: id.optional(),
  libraryVersion: z.number().int().optional(),
});
const queryRequest = z.strictObject({
  appId: id,
  releaseVersion: z.number().int().nullable(),
  environmentId: id,
  environmentSwitched: z.boolean(),
  rowCount: z.number().int().optional(),
  truncated: z.boolean().optional(),
});
const retention = z.strictObject({ retentionDays: z.number().int(), legalHold: z.boolean() });
const sessionLimits = z.strictObject({ idleMinutes: z.number().int(), absoluteMinutes: z.number().int() });
const directoryRef = z.strictObject({ directoryId: id, name: z.string() });
const objectEvents = (['APP', 'RESOURCE', 'WORKFLOW'] as const).flatMap((k) => [
  z.strictObject({
    actionType: z.literal(`CREATE_${k}`),
    metadata: z.strictObject({ objectId: id, name: z.string(), folderId: id.nullable() }),
  }),
  z.strictObject({
    actionType: z.literal(`RENAME_${k}`),
    metadata: z.strictObject({ objectId: id, before: z.string(), after: z.string() }),
  }),
  z.strictObject({
    actionType: z.literal(`DELETE_${k}`),
    metadata: z.strictObject({ objectId: id, name: z.string(), grantsRemoved: z.number().int() }),
  }),
]);

export const auditEventInput = z.discriminatedUnion('actionType', [
  z.strictObject({
    actionType: z.literal('CREATE_ORGANIZATION'),
    metadata: z.strictObject({ name: z.string(), slug: z.string(), via: z.enum(['setup', 'signup', 'cli']) }),
  }),
  z.strictObject({
    actionType: z.literal('SIGN_UP'),
    metadata: z.strictObject({ email: z.string(), via: z.enum(['setup', 'signup', 'cli']) }),
  }),
  z.strictObject({
    actionType: z.literal('CREATE_USER'),
    metadata: z.strictObject({ targetUserId: id, email: z.string(), groups: z.array(z.string()) }),
  }),
  z.strictObject({
    actionType: z.literal('LOGIN'),
    metadata: z.strictObject({ method, sessionId: id, secondFactor: secondFactor.optional() }),
  }),
  z.strictObject({
    actionType: z.literal('LOGIN_FAILED'),
    metadata: z.union([
      z.strictObject({
        method: z.literal('password'),
        email: z.string(),
        /** For admins only; the person signing in always sees the same message. */
        reason: z.enum([
          'unknown_user',
          'wrong_password',
          'no_password',
          'user_disabled',
          'rate_limited',
          'wrong_two_factor_code',
          'two_factor_code_reused',
          'two_factor_attempts_exhausted',
          /** The organization enforces SSO and this is not a break-glass admin. */
          'sso_enforced',
          /** A designated break-glass admin whose two-factor was reset (or who is no longer an admin). */
          'break_glass_without_two_factor',
          'break_glass_not_admin',
        ]),
        retryAfterSeconds: z.number().int().optional(),
        /** The pending sign-in, for failures at the second step. */
        challengeId: id.optional(),
      }),
      z.strictObject({
        method: z.literal('sso'),
        connectionId: id.nullable(),
        /** A reason code, and the IdP's subject and email when known; never a raw token. */
        reason: z.enum(SSO_FAILURE_REASONS),
        subject: z.string().optional(),
        email: z.string().optional(),
      }),
      z.strictObject({
        method: z.literal('google'),
        /** A reason code, and Google's subject, email and hosted domain when known; never a token. */
        reason: z.enum(GOOGLE_FAILURE_REASONS),
        subject: z.string().optional(),
        email: z.string().optional(),
        hd: z.string().optional(),
      }),
    ]),
  }),
  z.strictObject({
    actionType: z.literal('TWO_FACTOR_CHALLENGE_STARTED'),
    metadata: z.strictObject({ method, challengeId: id, kind: z.enum(['verify', 'enroll']), expiresAt: z.string() }),
  }),
  z.strictObject({
    actionType: z.literal('TWO_FACTOR_ENROLLMENT_STARTED'),
    metadata: z.strictObject({ credentialId: id, via: enrolledVia }),
  }),
  z.strictObject({
    actionType: z.literal('ENABLE_TWO_FACTOR_AUTH'),
    metadata: z.strictObject({ credentialId: id, via: enrolledVia, recoveryCodes: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('DISABLE_TWO_FACTOR_AUTH'),
    metadata: z.strictObject({
      targetUserId: id,
      email: z.string(),
      /** `self`: the user, with password and code; `admin_reset`: an admin, for a user who lost their device. */
      by: z.enum(['self', 'admin_reset']),
      reason: z.string().optional(),
      sessionsRevoked: z.number().int(),
      tokensRevoked: z.number().int(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('RECOVERY_CODE_USED'),
    metadata: z.strictObject({ recoveryCodeId: id, remaining: z.number().int(), during: z.enum(['sign_in', 'disable', 'regenerate']) }),
  }),
  z.strictObject({ actionType: z.literal('RECOVERY_CODES_REGENERATED'), metadata: z.strictObject({ count: z.number().int() }) }),
  z.strictObject({
    actionType: z.literal('TWO_FACTOR_REQUIREMENT_UPDATED'),
    metadata: z.strictObject({ before: z.boolean(), after: z.boolean() }),
  }),
  z.strictObject({
    actionType: z.literal('GOOGLE_SIGN_IN_UPDATED'),
    metadata: z.strictObject({ before: googleSettings, after: googleSettings }),
  }),
  z.strictObject({
    actionType: z.literal('GOOGLE_JIT_USER_CREATED'),
    metadata: z.strictObject({ targetUserId: id, email: z.string(), subject: z.string(), groupIds: z.array(id) }),
  }),
  z.strictObject({
    actionType: z.literal('LINK_SSO_IDENTITY'),
    /** An SSO or Google identity linked to the existing account with its email, proven by that account's password (and second factor when enrolled). */
    metadata: z.strictObject({
      method: z.enum(['sso', 'google']),
      connectionId: id.nullable(),
      subject: z.string(),
      email: z.string(),
      targetUserId: id,
      secondFactor: secondFactor.optional(),
    }),
  }),
  z.strictObject({ actionType: z.literal('SSO_ENFORCED'), metadata: z.strictObject({ before: z.boolean(), after: z.boolean() }) }),
  z.strictObject({
    actionType: z.literal('BREAK_GLASS_ADMIN_UPDATED'),
    metadata: z.strictObject({ targetUserId: id, email: z.string(), designated: z.boolean() }),
  }),
  z.strictObject({
    actionType: z.literal('LOGOUT'),
    metadata: z.strictObject({ sessionId: id }),
  }),
  z.strictObject({
    actionType: z.literal('REVOKE_SESSION'),
    metadata: z.strictObject({ sessionId: id, targetUserId: id }),
  }),
  z.strictObject({
    actionType: z.literal('REVOKE_USER_SESSIONS'),
    metadata: z.strictObject({ targetUserId: id, email: z.string(), sessionsRevoked: z.number().int().nonnegative() }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_SESSION_LIMITS'),
    metadata: z.strictObject({ before: sessionLimits, after: sessionLimits, expiredSessionsRevoked: z.number().int().nonnegative() }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_PASSWORD'),
    metadata: z.strictObject({ sessionsRevoked: z.number().int().nonnegative() }),
  }),
  z.strictObject({ actionType: z.literal('CREATE_GROUP'), metadata: z.strictObject({ ...groupRef }) }),
  z.strictObject({
    actionType: z.literal('UPDATE_GROUP'),
    metadata: z.strictObject({ groupId: id, before: groupSettings, after: groupSettings }),
  }),
  z.strictObject({
    actionType: z.literal('DELETE_GROUP'),
    metadata: z.strictObject({ ...groupRef, members: z.number().int(), grants: z.number().int() }),
  }),
  z.strictObject({ actionType: z.literal('ADD_USERS_TO_GROUP'), metadata: z.strictObject({ ...groupRef, userIds: z.array(id) }) }),
  z.strictObject({ actionType: z.literal('REMOVE_USERS_FROM_GROUP'), metadata: z.strictObject({ ...groupRef, userIds: z.array(id) }) }),
  z.strictObject({
    actionType: z.literal('SET_GROUP_ADMIN'),
    metadata: z.strictObject({ ...groupRef, targetUserId: id, isGroupAdmin: z.boolean() }),
  }),
  z.strictObject({
    actionType: z.literal('GRANT_PERMISSION'),
    metadata: z.strictObject({
      ...groupRef,
      grantId: id,
      objectKind: kind,
      scope: z.enum(['object', 'folder', 'kind']),
      targetId: id.nullable(),
      level,
      previousLevel: level.nullable(),
      environmentId: id.optional(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('REVOKE_PERMISSION'),
    metadata: z.strictObject({
      ...groupRef,
      grantId: id,
      objectKind: kind,
      scope: z.enum(['object', 'folder', 'kind']),
      targetId: id.nullable(),
      level,
      environmentId: id.optional(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('INVITE_USER'),
    metadata: z.strictObject({ inviteId: id, email: z.string(), groupIds: z.array(id), expiresAt: z.string(), emailed: z.boolean() }),
  }),
  z.strictObject({ actionType: z.literal('REVOKE_INVITE'), metadata: z.strictObject({ inviteId: id, email: z.string() }) }),
  z.strictObject({
    actionType: z.literal('REDEEM_INVITE'),
    metadata: z.strictObject({ inviteId: id, email: z.string(), targetUserId: id, groupIds: z.array(id) }),
  }),
  z.strictObject({
    actionType: z.literal('DISABLE_USER'),
    metadata: z.strictObject({ targetUserId: id, email: z.string(), sessionsRevoked: z.number().int(), tokensRevoked: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_USER'),
    metadata: z.strictObject({
      targetUserId: id,
      before: userProfile,
      after: userProfile,
      /** Other SCIM attributes that changed (title, department…), by name. */
      attributes: z.array(z.string()).optional(),
    }),
  }),
  z.strictObject({ actionType: z.literal('DELETE_USER'), metadata: z.strictObject({ targetUserId: id, email: z.string() }) }),
  z.strictObject({ actionType: z.literal('ENABLE_USER'), metadata: z.strictObject({ targetUserId: id, email: z.string() }) }),
  z.strictObject({
    actionType: z.literal('CREATE_FOLDER'),
    metadata: z.strictObject({ folderId: id, objectKind: kind, name: z.string() }),
  }),
  z.strictObject({
    actionType: z.literal('RENAME_FOLDER'),
    metadata: z.strictObject({ folderId: id, objectKind: kind, before: z.string(), after: z.string() }),
  }),
  z.strictObject({
    actionType: z.literal('DELETE_FOLDER'),
    metadata: z.strictObject({ folderId: id, objectKind: kind, name: z.string(), grantsRemoved: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('MOVE_TO_FOLDER'),
    metadata: z.strictObject({ objectId: id, objectKind: kind, name: z.string(), fromFolderId: id.nullable(), toFolderId: id.nullable() }),
  }),
  z.strictObject({
    actionType: z.literal('ACCESS_TOKEN_CREATED'),
    metadata: z.strictObject({ tokenId: id, note: z.string(), scopes: z.array(z.string()), expiresAt: z.string().nullable() }),
  }),
  z.strictObject({ actionType: z.literal('ACCESS_TOKEN_REVOKED'), metadata: z.strictObject({ tokenId: id, note: z.string() }) }),
  z.strictObject({
    actionType: z.literal('DOWNLOAD_AUDIT_LOGS'),
    metadata: z.strictObject({
      format: z.enum(['csv', 'ndjson']),
      filter: z.strictObject({
        actionType: z.string().nullable(),
        userId: z.string().nullable(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        userEmail: z.string().nullable().optional(),
        requestId: z.string().nullable().optional(),
        app: z.string().nullable().optional(),
        query: z.string().nullable().optional(),
        resource: z.string().nullable().optional(),
        ip: z.string().nullable().optional(),
        text: z.string().nullable().optional(),
        errorsOnly: z.boolean().optional(),
      }),
    }),
  }),
  z.strictObject({ actionType: z.literal('SET_WORKSPACE'), metadata: z.strictObject({ ...groupRef, homepageAppId: id }) }),
  ...(
    ['SCIM_DIRECTORY_CREATED', 'SCIM_TOKEN_ROTATED', 'SCIM_DIRECTORY_PAUSED', 'SCIM_DIRECTORY_RESUMED', 'SCIM_DIRECTORY_DELETED'] as const
  ).map((t) => z.strictObject({ actionType: z.literal(t), metadata: directoryRef })),
  z.strictObject({
    actionType: z.literal('AUDIT_SINK_CREATED'),
    metadata: z.strictObject({
      sinkId: id,
      name: z.string(),
      kind: z.enum(['datadog', 'splunk', 'webhook']),
      url: z.string(),
      backfillFrom: z.string().nullable(),
    }),
  }),
  ...(['AUDIT_SINK_ENABLED', 'AUDIT_SINK_DISABLED', 'AUDIT_SINK_DELETED'] as const).map((t) =>
    z.strictObject({ actionType: z.literal(t), metadata: z.strictObject({ sinkId: id, name: z.string() }) }),
  ),
  z.strictObject({
    actionType: z.literal('UPDATE_AUDIT_SINK'),
    metadata: z.strictObject({
      sinkId: id,
      before: sinkSettings,
      after: sinkSettings,
      /** What changed: settings by name, and `secret` when it was replaced (never its value). */
      changed: z.array(z.string()),
    }),
  }),
  z.strictObject({
    actionType: z.literal('AUDIT_CHECKPOINT'),
    metadata: z.strictObject({ seq: z.number().int(), hash: z.string(), at: z.string(), keyId: z.string(), signature: z.string() }),
  }),
  z.strictObject({
    actionType: z.literal('AUDIT_EVENTS_PURGED'),
    metadata: z.strictObject({
      throughSeq: z.number().int(),
      throughHash: z.string(),
      events: z.number().int(),
      olderThan: z.string(),
      retentionDays: z.number().int(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('AUDIT_RETENTION_UPDATED'),
    metadata: z.strictObject({ before: retention, after: retention }),
  }),
  z.strictObject({
    actionType: z.literal('ENCRYPTION_KEY_ROTATED'),
    metadata: z.strictObject({ keyId: z.string(), table: z.string(), column: z.string(), values: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('AUDIT_SINK_TESTED'),
    metadata: z.strictObject({ sinkId: id, name: z.string(), ok: z.boolean(), status: z.number().int().nullable() }),
  }),
  z.strictObject({
    actionType: z.literal('CREATE_ENVIRONMENT'),
    metadata: z.strictObject({ environmentId: id, name: z.string(), color: z.string() }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_ENVIRONMENT'),
    metadata: z.strictObject({
      environmentId: id,
      before: z.strictObject({ name: z.string(), color: z.string() }),
      after: z.strictObject({ name: z.string(), color: z.string() }),
    }),
  }),
  z.strictObject({
    actionType: z.literal('DELETE_ENVIRONMENT'),
    metadata: z.strictObject({
      environmentId: id,
      name: z.string(),
      resourceConfigsRemoved: z.number().int(),
      variableValuesRemoved: z.number().int(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_RESOURCE_CONFIG'),
    metadata: z.strictObject({
      objectId: id,
      name: z.string(),
      environmentId: id,
      environment: z.string(),
      type: resourceType,
      created: z.boolean(),
      /** Names of the fields that changed; secret fields by name only, never their values. */
      changed: z.array(z.string()),
    }),
  }),
  z.strictObject({
    actionType: z.literal('DELETE_RESOURCE_CONFIG'),
    metadata: z.strictObject({ objectId: id, name: z.string(), environmentId: id, environment: z.string(), type: resourceType }),
  }),
  z.strictObject({
    actionType: z.literal('TEST_RESOURCE_CONNECTION'),
    metadata: z.strictObject({
      objectId: id,
      name: z.string(),
      environmentId: id,
      environment: z.string(),
      type: resourceType,
      ok: z.boolean(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('CREATE_CONFIG_VARIABLE'),
    metadata: z.strictObject({ variableId: id, name: z.string(), secret: z.boolean() }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_CONFIG_VARIABLE'),
    metadata: z.strictObject({
      variableId: id,
      name: z.string(),
      secret: z.boolean(),
      /** What changed: `description`, or `value:<environment>` (values themselves are never recorded). */
      changed: z.array(z.string()),
    }),
  }),
  z.strictObject({
    actionType: z.literal('DELETE_CONFIG_VARIABLE'),
    metadata: z.strictObject({ variableId: id, name: z.string(), secret: z.boolean() }),
  }),
  z.strictObject({
    actionType: z.literal('SSO_CONNECTION_CREATED'),
    metadata: z.strictObject({ connectionId: id, after: ssoConnectionSettings }),
  }),
  z.strictObject({
    actionType: z.literal('SSO_CONNECTION_UPDATED'),
    metadata: z.strictObject({ connectionId: id, before: ssoConnectionSettings, after: ssoConnectionSettings }),
  }),
  z.strictObject({
    actionType: z.literal('SSO_CONNECTION_TESTED'),
    metadata: z.strictObject({
      connectionId: id,
      subject: z.string(),
      email: z.string().nullable(),
      /** What a real sign-in would have done; the test itself changed nothing. */
      outcome: z.enum(['existing_user', 'jit_create', 'email_taken', 'unknown_user', 'user_disabled']),
    }),
  }),
  z.strictObject({
    actionType: z.literal('SSO_CONNECTION_DELETED'),
    metadata: z.strictObject({
      connectionId: id,
      type: z.enum(['oidc', 'saml']).optional(),
      discoveryUrl: z.string().optional(),
      clientId: z.string().optional(),
      samlIdpEntityId: z.string().optional(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('SSO_JIT_USER_CREATED'),
    metadata: z.strictObject({ connectionId: id, targetUserId: id, email: z.string(), subject: z.string(), groupIds: z.array(id) }),
  }),
  z.strictObject({
    actionType: z.literal('SSO_GROUP_MAPPING_APPLIED'),
    metadata: z.strictObject({
      connectionId: id,
      targetUserId: id,
      idpGroups: z.array(z.string()),
      added: z.array(groupRef0),
      removed: z.array(groupRef0),
    }),
  }),
  z.strictObject({
    actionType: z.literal('APP_DRAFT_SAVED'),
    metadata: z.strictObject({ objectId: id, name: z.string(), created: z.boolean(), pages: z.number().int(), queries: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('APP_RELEASED'),
    metadata: z.strictObject({ objectId: id, name: z.string(), releaseId: id, version: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('EXPORT_APP'),
    /** `resources`: the names the document maps by; `libraryQueries`: library query versions written out as plain queries. */
    metadata: z.strictObject({
      objectId: id,
      name: z.string(),
      releases: z.number().int(),
      resources: z.array(z.string()),
      libraryQueries: z.number().int(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('IMPORT_APP'),
    /** `sourceName` and `exportedAt` come from the document; `resources` is how its names were mapped here. */
    metadata: z.strictObject({
      objectId: id,
      name: z.string(),
      created: z.boolean(),
      sourceName: z.string(),
      exportedAt: z.string(),
      releasedVersion: z.number().int().nullable(),
      importedReleases: z.array(z.number().int()),
      resources: z.array(z.strictObject({ name: z.string(), resourceId: id })),
    }),
  }),
  z.strictObject({
    actionType: z.literal('QUERY_RUN'),
    /** The seed's shape. Parameter values listed in the query's "disable logging for" are { value: '[hidden]', hmac }. */
    metadata: z.strictObject({
      error: z.string().nullable(),
      query: queryTemplate,
      status: z.number().int().nullable(),
      isError: z.boolean(),
      request: queryRequest,
      parameters: z.record(z.string(), z.unknown()),
      statusText: z.string(),
      pageVersion: z.string(),
      environment: z.string(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('CREATE_LIBRARY_QUERY'),
    metadata: z.strictObject({
      libraryQueryId: id,
      name: z.string(),
      version: z.number().int(),
      resourceId: id,
      type: z.enum(['sql', 'rest']),
    }),
  }),
  z.strictObject({
    actionType: z.literal('UPDATE_LIBRARY_QUERY'),
    /** `changed`: name, description, resourceId, query (the last two make a new version). */
    metadata: z.strictObject({
      libraryQueryId: id,
      name: z.string(),
      before: z.string(),
      version: z.number().int(),
      changed: z.array(z.string()),
    }),
  }),
  z.strictObject({
    actionType: z.literal('DELETE_LIBRARY_QUERY'),
    metadata: z.strictObject({ libraryQueryId: id, name: z.string(), versions: z.number().int() }),
  }),
  z.strictObject({
    actionType: z.literal('DENY_QUERY_RUN'),
    /**
     * A released app's query this user's page does not run: every component that runs it is hidden
     * (or there is none), or disabled, or no query of that name was released. `queryName` is null
     * when the requested name is not one a query could have.
     */
    metadata: z.strictObject({
      queryName: z.string().nullable(),
      reason: z.enum(['hidden', 'disabled', 'not_released']),
      request: queryRequest,
      pageVersion: z.string(),
      environment: z.string(),
    }),
  }),
  z.strictObject({
    actionType: z.literal('QUERY_SPOOFING_PREVENTION_UPDATED'),
    metadata: z.strictObject({ before: z.boolean(), after: z.boolean() }),
  }),
  z.strictObject({
    actionType: z.literal('QUERY_SPOOF_BLOCKED'),
    /** The current_user fields the request claimed differently; their claimed values are not stored. */
    metadata: z.strictObject({
      query: queryTemplate,
      request: queryRequest,
      pageVersion: z.string(),
      environment: z.string(),
      mismatched: z.array(z.string()),
    }),
  }),
  ...objectEvents,
]);

/** The one action type never stored or chained: the synthetic event a sink's "Send test event" delivers (lib/audit/delivery.ts). */
export const SINK_TEST_ACTION_TYPE = 'AUDIT_SINK_TEST';

export type AuditEventInput = z.infer<typeof auditEventInput>;
export type AuditActionType = AuditEventInput['actionType'];
export const auditActionTypes = auditEventInput.options.map((o) => o.shape.actionType.value);
