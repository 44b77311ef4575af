// Every environment variable Gatehouse reads, with its default. README's table lists exactly these
// (lib/env.test.ts checks), so this file is the place to add one.
import { z } from 'zod';

export const envCatalogue = [
  {
    name: 'PORT',
    default: '3000',
    description: 'HTTP port for `npm start` (`npm start -- -p 4000 -H 127.0.0.1` sets port and interface).',
  },
  {
    name: 'DATABASE_URL',
    default: '(unset)',
    description: 'Postgres connection string. Unset → the embedded database (PGlite) under GATEHOUSE_DATA_DIR.',
  },
  {
    name: 'GATEHOUSE_DATA_DIR',
    default: '.data',
    description: 'Embedded database files and generated keys. Only one process may open it at a time.',
  },
  {
    name: 'GATEHOUSE_DB_POOL_MAX',
    default: '10',
    description:
      'Connections per process with DATABASE_URL, plus a quarter as many (rounded up) for SCIM’s filters and lookups, which are planned with their values.',
  },
  {
    name: 'GATEHOUSE_DB_PREPARE',
    default: 'true',
    description:
      'With DATABASE_URL, keep the statements Gatehouse builds prepared on each connection (one round trip each). `false` for PgBouncer in transaction mode.',
  },
  {
    name: 'GATEHOUSE_DB_STATEMENT_TIMEOUT',
    default: '30',
    description:
      'With DATABASE_URL, how many seconds Postgres lets one statement run before ending it (and twice that for a session idle inside a transaction); such a request answers 503 and changes nothing. 0 sets neither, e.g. for a PgBouncer that refuses these start-up parameters.',
  },
  {
    name: 'NEXTAUTH_SECRET',
    default: 'generated in embedded mode',
    description: 'Signs and encrypts session cookies (AUTH_SECRET is accepted too). Required with DATABASE_URL.',
  },
  {
    name: 'GATEHOUSE_ENCRYPTION_KEYS',
    default: 'generated in embedded mode',
    description:
      'Comma-separated `keyId:base64key` entries (32-byte keys); the last one encrypts, all decrypt. Required with DATABASE_URL.',
  },
  {
    name: 'GATEHOUSE_AUDIT_SIGNING_KEY',
    default: 'generated in embedded mode',
    description:
      'Ed25519 private key (base64 PKCS#8 DER) that signs audit checkpoints; `gatehouse audit signing-key` prints a new one. Required with DATABASE_URL.',
  },
  {
    name: 'GATEHOUSE_SSO_ENCRYPTION_KEY',
    default: 'generated in embedded mode',
    description:
      "32 random bytes, base64 (`openssl rand -base64 32`): encrypts the embedded Jackson's SSO records (connections and their client secrets, login state). Required with DATABASE_URL.",
  },
  {
    name: 'GATEHOUSE_AUDIT_CHECKPOINT_FILE',
    default: '<data dir>/audit-checkpoints.jsonl',
    description: 'Where signed audit checkpoints are appended (JSON lines). Keep a copy off the machine.',
  },
  {
    name: 'GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL',
    default: '600',
    description:
      "Seconds between the rounds in which the server signs every organization's audit chain head (1 to 86400). With several instances each runs rounds; an organization is checkpointed by one instance at a time.",
  },
  {
    name: 'GOOGLE_CLIENT_ID',
    default: '(unset)',
    description:
      'OAuth client id from Google Cloud. Set with GOOGLE_CLIENT_SECRET → organizations can turn on "Sign in with Google" (redirect URI `<NEXTAUTH_URL>/api/auth/callback/google`).',
  },
  { name: 'GOOGLE_CLIENT_SECRET', default: '(unset)', description: 'The OAuth client secret for GOOGLE_CLIENT_ID.' },
  {
    name: 'GOOGLE_ISSUER',
    default: 'https://accounts.google.com',
    description:
      'The OpenID issuer used for Google sign-in (its discovery document is read from `<issuer>/.well-known/openid-configuration`); tests point it at a local provider.',
  },
  {
    name: 'NEXTAUTH_URL',
    default: '(unset)',
    description: 'Public base URL, e.g. https://gatehouse.example.com. An https URL makes session cookies Secure.',
  },
  {
    name: 'GATEHOUSE_TRUSTED_PROXY_HOPS',
    default: '0',
    description: 'Reverse proxies in front of Gatehouse whose X-Forwarded-For entries are trusted for client IPs.',
  },
  {
    name: 'GATEHOUSE_SIGNUP',
    default: 'open',
    description: '`open`: anyone may create an organization at /signup. `closed`: only the first-run page and the CLI.',
  },
  {
    name: 'GATEHOUSE_SECURITY_CONTACT',
    default: '(unset)',
    description:
      'Where to report a vulnerability: comma-separated emails or `mailto:`, `https:` or `tel:` URIs, served as `/.well-known/security.txt` (RFC 9116). Unset → that file answers 404.',
  },
  {
    name: 'GATEHOUSE_FRAME_ANCESTORS',
    default: '(unset)',
    description:
      "Sites allowed to show Gatehouse's pages in a frame, e.g. `https://portal.example.com` (comma-separated origins; `*.` may start a host; `'self'` for Gatehouse itself). Unset → no site may (`frame-ancestors 'none'`).",
  },
  { name: 'GATEHOUSE_API_RATE_LIMIT', default: '600', description: 'Public API requests per token per minute.' },
  {
    name: 'SMTP_URL',
    default: '(unset)',
    description: 'Mail server for invitations, e.g. smtps://user:pass@mail.example.com:465. Unset → invitation links are shown to copy.',
  },
  { name: 'SMTP_FROM', default: 'Gatehouse <no-reply@gatehouse.invalid>', description: 'Sender of invitation emails.' },
  {
    name: 'GEOIP_DATABASE',
    default: '(unset)',
    description: 'Path to a MaxMind-format database (e.g. GeoLite2-City.mmdb); audit events then carry a geoLocation for the client IP.',
  },
  {
    name: 'GATEHOUSE_LOG_AUDIT_EVENTS',
    default: 'false',
    description:
      '`true`: also print every committed audit event to stdout as one JSON line (`"type":"gatehouse.audit"`), for log shippers.',
  },
  {
    name: 'GATEHOUSE_BACKGROUND_JOBS',
    default: 'on',
    description: '`off`: this instance runs no background jobs (audit streaming delivery, audit retention); another instance must.',
  },
  {
    name: 'GATEHOUSE_RESOURCE_TYPES_DENY',
    default: '(unset)',
    description: 'Comma-separated resource types that cannot be configured or tested on this instance: `postgres`, `rest`, `sample`.',
  },
  {
    name: 'GATEHOUSE_ENVIRONMENTS',
    default: '(unset)',
    description:
      'Comma-separated environments this instance serves, e.g. `production` or `production,staging` (names matched case-insensitively in each organization): it runs queries, tests connections and shows or changes config values in those only, and refuses the others. Unset → every environment. See docs/deployment.md.',
  },
  {
    name: 'GATEHOUSE_SECRET_STORES',
    default: 'env',
    description:
      'Comma-separated stores asked, in order, for `{{ secrets.NAME }}` in resource configuration: `env`, `file`, `vault`, `aws`. The `env` store reads only `GATEHOUSE_EXPOSED_NAME`.',
  },
  {
    name: 'GATEHOUSE_SECRETS_CACHE_SECONDS',
    default: '60',
    description: 'How long a secret read from a store is reused (0: read on every use).',
  },
  {
    name: 'GATEHOUSE_SECRETS_DIR',
    default: '(unset)',
    description: 'The `file` secret store: a directory with one file per secret, named like the secret.',
  },
  {
    name: 'VAULT_ADDR',
    default: '(unset)',
    description: 'The `vault` secret store: Vault’s base URL, e.g. https://vault.example.com:8200.',
  },
  { name: 'VAULT_TOKEN', default: '(unset)', description: 'Vault token; leave unset to log in with AppRole instead.' },
  { name: 'VAULT_ROLE_ID', default: '(unset)', description: 'Vault AppRole role id (with VAULT_SECRET_ID).' },
  { name: 'VAULT_SECRET_ID', default: '(unset)', description: 'Vault AppRole secret id.' },
  { name: 'GATEHOUSE_VAULT_APPROLE_MOUNT', default: 'approle', description: 'Where Vault’s AppRole auth method is mounted.' },
  { name: 'GATEHOUSE_VAULT_MOUNT', default: 'secret', description: 'The KV version 2 secrets engine mount.' },
  { name: 'GATEHOUSE_VAULT_PATH', default: 'gatehouse', description: 'The KV secret whose keys are the secret names.' },
  {
    name: 'AWS_REGION',
    default: '(unset)',
    description:
      'The `aws` secret store: region of AWS Secrets Manager. Credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the instance role.',
  },
  {
    name: 'GATEHOUSE_AWS_SECRETS_ENDPOINT',
    default: '(unset)',
    description: 'AWS Secrets Manager endpoint URL instead of the region’s (a VPC endpoint, a local stand-in).',
  },
  {
    name: 'GATEHOUSE_AWS_SECRET_PREFIX',
    default: '(empty)',
    description: 'Prefix of the AWS secret ids: `{{ secrets.NAME }}` reads `<prefix>NAME`.',
  },
  {
    name: 'TEST_DATABASE_URL',
    default: '(unset)',
    description: 'Tests only: a Postgres server on which each run creates, and afterwards drops, a fresh database.',
  },
] as const;

export type EnvName = (typeof envCatalogue)[number]['name'];

const hops = z.coerce.number().int().min(0).max(10);

export function trustedProxyHops(): number {
  const parsed = hops.safeParse(process.env.GATEHOUSE_TRUSTED_PROXY_HOPS ?? '0');
  if (!parsed.success) throw new Error('GATEHOUSE_TRUSTED_PROXY_HOPS must be a whole number from 0 to 10.');
  return parsed.data;
}

export function signupOpen(): boolean {
  const value = (process.env.GATEHOUSE_SIGNUP ?? 'open').toLowerCase();
  if (value !== 'open' && value !== 'closed') throw new Error('GATEHOUSE_SIGNUP must be `open` or `closed`.');
  return value === 'open';
}

function flag(name: string, fallback: string, on: string, off: string): boolean {
  const value = (process.env[name] ?? fallback).trim().toLowerCase();
  if (value !== on && value !== off) throw new Error(`${name} must be \`${on}\` or \`${off}\`.`);
  return value === on;
}

export function logAuditEvents(): boolean {
  return flag('GATEHOUSE_LOG_AUDIT_EVENTS', 'false', 'true', 'false');
}

const checkpointSeconds = z.coerce.number().int().min(1).max(86_400);

/** Seconds between audit checkpoint rounds (GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL). */
export function auditCheckpointIntervalSeconds(): number {
  const parsed = checkpointSeconds.safeParse(process.env.GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL ?? '600');
  if (!parsed.success) throw new Error('GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL must be a whole number of seconds from 1 to 86400.');
  return parsed.data;
}

export function backgroundJobsEnabled(): boolean {
  return flag('GATEHOUSE_BACKGROUND_JOBS', 'on', 'on', 'off');
}

export const SECRET_STORE_KINDS = ['env', 'file', 'vault', 'aws'] as const;
export type SecretStoreKind = (typeof SECRET_STORE_KINDS)[number];

function commaList<T extends string>(name: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = items.filter((i) => !allowed.includes(i as T));
  if (unknown.length)
    throw new Error(
      `${name} may list only ${allowed.map((a) => `\`${a}\``).join(', ')}; it has ${unknown.map((u) => `\`${u}\``).join(', ')}.`,
    );
  return [...new Set(items)] as T[];
}

/** Resource types this instance refuses (GATEHOUSE_RESOURCE_TYPES_DENY). */
export function deniedResourceTypes(): string[] {
  return commaList('GATEHOUSE_RESOURCE_TYPES_DENY', process.env.GATEHOUSE_RESOURCE_TYPES_DENY ?? '', ['postgres', 'rest', 'sample']);
}

// As environment names are written (lib/environments/inputs.ts).
const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

/**
 * The environments this instance serves (GATEHOUSE_ENVIRONMENTS), lower case; null when unset
 * (every environment). Read on each call like the other settings here, so a test can set it with
 * vi.stubEnv; start-up reads it first and stops on a bad value.
 */
export function servedEnvironmentNames(): string[] | null {
  const raw = process.env.GATEHOUSE_ENVIRONMENTS;
  if (raw === undefined) return null;
  const example = 'e.g. `production` or `production,staging`';
  if (raw.trim() === '')
    throw new Error(
      `GATEHOUSE_ENVIRONMENTS is set but empty: list the environments this instance serves (${example}), or unset it to serve every one.`,
    );
  const names = raw.split(',').map((s) => s.trim());
  const bad = names.find((n) => !ENVIRONMENT_NAME.test(n));
  if (bad !== undefined)
    throw new Error(
      `GATEHOUSE_ENVIRONMENTS must be environment names separated by commas (${example}); ${bad === '' ? 'it has an empty entry' : `\`${bad}\` is not an environment name`}.`,
    );
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

const trimSlash = (v: string | undefined) => (v?.trim() ? v.trim().replace(/\/+$/, '') : null);

/** Where `{{ secrets.NAME }}` is looked up, and how each store is reached. */
export function secretStoreSettings() {
  const cache = z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .safeParse(process.env.GATEHOUSE_SECRETS_CACHE_SECONDS ?? '60');
  if (!cache.success) throw new Error('GATEHOUSE_SECRETS_CACHE_SECONDS must be a whole number of seconds from 0 to 86400.');
  return {
    stores: commaList('GATEHOUSE_SECRET_STORES', process.env.GATEHOUSE_SECRET_STORES ?? 'env', SECRET_STORE_KINDS),
    cacheSeconds: cache.data,
    secretsDir: process.env.GATEHOUSE_SECRETS_DIR?.trim() || null,
    vault: {
      addr: trimSlash(process.env.VAULT_ADDR),
      token: process.env.VAULT_TOKEN?.trim() || null,
      roleId: process.env.VAULT_ROLE_ID?.trim() || null,
      secretId: process.env.VAULT_SECRET_ID?.trim() || null,
      approleMount: process.env.GATEHOUSE_VAULT_APPROLE_MOUNT?.trim() || 'approle',
      mount: process.env.GATEHOUSE_VAULT_MOUNT?.trim() || 'secret',
      path: process.env.GATEHOUSE_VAULT_PATH?.trim() || 'gatehouse',
    },
    aws: {
      region: process.env.AWS_REGION?.trim() || null,
      endpoint: trimSlash(process.env.GATEHOUSE_AWS_SECRETS_ENDPOINT),
      prefix: process.env.GATEHOUSE_AWS_SECRET_PREFIX ?? '',
    },
  };
}

/** Google sign-in's client, when the instance is configured for it. */
export function googleClient(): { clientId: string; clientSecret: string; issuer: string } | null {
  const clientId = process.env.GOOGLE_CLIENT_ID?.trim();
  const clientSecret = process.env.GOOGLE_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret) return null;
  return { clientId, clientSecret, issuer: (process.env.GOOGLE_ISSUER?.trim() || 'https://accounts.google.com').replace(/\/+$/, '') };
}

const FRAME_ANCESTOR = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/**
 * GATEHOUSE_FRAME_ANCESTORS as CSP frame-ancestors sources: origins (scheme, host, port; a host
 * may start with `*.`) or `'self'`, lower case. Empty when unset: no site may frame a page.
 */
export function frameAncestors(): string[] {
  const items = (process.env.GATEHOUSE_FRAME_ANCESTORS ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase().replace(/\/$/, ''))
    .filter(Boolean);
  for (const item of items) {
    if (item !== "'self'" && !FRAME_ANCESTOR.test(item)) {
      throw new Error(
        `GATEHOUSE_FRAME_ANCESTORS may list only origins like https://portal.example.com (no path) and 'self'; it has \`${item}\`.`,
      );
    }
  }
  return [...new Set(items)];
}

/**
 * GATEHOUSE_SECURITY_CONTACT as RFC 9116 Contact URIs: a bare email becomes `mailto:`; anything
 * else must be a `mailto:`, `https:` or `tel:` URI. Empty when unset.
 */
export function securityContacts(): string[] {
  const items = (process.env.GATEHOUSE_SECURITY_CONTACT ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.map((item) => {
    if (/^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(item)) return `mailto:${item}`;
    let url: URL | null = null;
    try {
      url = new URL(item);
    } catch {}
    if (!url || !['mailto:', 'https:', 'tel:'].includes(url.protocol) || /\s/.test(item)) {
      throw new Error(`GATEHOUSE_SECURITY_CONTACT may list only emails and mailto:, https: or tel: URIs; it has \`${item}\`.`);
    }
    return item;
  });
}
