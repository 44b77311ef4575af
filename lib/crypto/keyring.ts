// The encryption keyring (GATEHOUSE_ENCRYPTION_KEYS): `keyId:base64key,…`, each key 32 bytes
// for AES-256-GCM. The last entry encrypts; every entry decrypts. Where the process's keyring
// comes from (the environment, or the embedded data dir) is lib/keys/keyring.ts's business.
import { randomBytes } from 'node:crypto';

export type Keyring = { primary: { id: string; key: Buffer }; keys: Map<string, Buffer> };

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses a keyring string; throws a message that names the bad entry but never a key. */
export function parseKeyring(value: string): Keyring {
  const keys = new Map<string, Buffer>();
  let primary: Keyring['primary'] | undefined;
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('GATEHOUSE_ENCRYPTION_KEYS is empty.');
  entries.forEach((entry, i) => {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep) : '';
    if (!KEY_ID.test(id)) throw new Error(`GATEHOUSE_ENCRYPTION_KEYS entry ${i + 1} must look like keyId:base64key.`);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new Error(`GATEHOUSE_ENCRYPTION_KEYS key "${id}" must be 32 bytes, base64-encoded.`);
    if (keys.has(id)) throw new Error(`GATEHOUSE_ENCRYPTION_KEYS names key "${id}" twice.`);
    keys.set(id, key);
    primary = { id, key };
  });
  return { primary: primary!, keys };
}

export function generateKeyringEntry(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
