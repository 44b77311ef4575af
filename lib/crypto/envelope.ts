// AES-256-GCM envelopes for secrets at rest: `ghe1.<keyId>.<iv>.<ciphertext+tag>` (base64url).
// The additional authenticated data binds a ciphertext to its place — organization, table,
// column and row — so a value copied to another row or column fails to decrypt. Failure is
// always an error (never plaintext, never a default key). The caller passes the keyring
// (lib/keys/keyring.ts has the process's).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

const VERSION = 'ghe1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a value lives; part of what is authenticated. */
export type EnvelopeContext = { orgId: string; table: string; column: string; rowId: string };

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

function aad(ctx: EnvelopeContext): Buffer {
  return Buffer.from(JSON.stringify([VERSION, ctx.orgId, ctx.table, ctx.column, ctx.rowId]));
}

export function encryptSecret(plaintext: string, ctx: EnvelopeContext, keyring: Keyring): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.primary.key, iv);
  cipher.setAAD(aad(ctx));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, keyring.primary.id, iv.toString('base64url'), body.toString('base64url')].join('.');
}

/** The key id an envelope was written with, or null when it is not an envelope. */
export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split('.');
  return parts.length === 4 && parts[0] === VERSION ? parts[1]! : null;
}

export function decryptSecret(envelope: string, ctx: EnvelopeContext, keyring: Keyring): string {
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new DecryptionError(`${ctx.table}.${ctx.column} of ${ctx.rowId} is not an encrypted value.`);
  const [, keyId, ivText, bodyText] = parts as [string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key)
    throw new DecryptionError(
      `${ctx.table}.${ctx.column} of ${ctx.rowId} was encrypted with key "${keyId}", which GATEHOUSE_ENCRYPTION_KEYS does not contain.`,
    );
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES)
    throw new DecryptionError(`${ctx.table}.${ctx.column} of ${ctx.rowId} is a damaged encrypted value.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad(ctx));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError(
      `${ctx.table}.${ctx.column} of ${ctx.rowId} could not be decrypted with key "${keyId}": the value was altered, moved from another row, or the key is wrong.`,
    );
  }
}
