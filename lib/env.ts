// Every environment variable Gatehouse reads, with its default. README's table lists exactly these
// (lib/env.test.ts checks), so this file is the place to add one.
import { z } from 'zod';

export const envCatalogue = [
  { name: 'PORT', default: '3000', description: 'HTTP port for `npm start`.' },
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
  { name: 'GATEHOUSE_DB_POOL_MAX', default: '10', description: 'Connections per process with DATABASE_URL.' },
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
    description: 'Ed25519 private key (base64 PKCS#8 DER) that signs audit checkpoints; `gatehouse audit signing-key` prints a new one. Required with DATABASE_URL.',
  },
  {
    name: 'GATEHOUSE_SSO_ENCRYPTION_KEY',
    default: 'generated in embedded mode',
    description:
      '32 random bytes, base64 (`openssl rand -base64 32`): encrypts the embedded Jackson\'s SSO records (connections and their client secrets, login state). Required with DATABASE_URL.',
  },
  {
    name: 'GATEHOUSE_AUDIT_CHECKPOINT_FILE',
    default: '<data dir>/audit-checkpoints.jsonl',
    description: 'Where signed audit checkpoints are appended (JSON lines). Keep a copy off the machine.',
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
    description: '`true`: also print every committed audit event to stdout as one JSON line (`"type":"gatehouse.audit"`), for log shippers.',
  },
  {
    name: 'GATEHOUSE_BACKGROUND_JOBS',
    default: 'on',
    description: '`off`: this instance runs no background jobs (audit streaming delivery, audit retention); another instance must.',
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

export function backgroundJobsEnabled(): boolean {
  return flag('GATEHOUSE_BACKGROUND_JOBS', 'on', 'on', 'off');
}
