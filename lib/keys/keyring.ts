// The process's encryption keyring: GATEHOUSE_ENCRYPTION_KEYS, or in embedded mode a keyring
// generated once into the data dir. lib/crypto encrypts with whatever keyring it is given.
import fs from 'node:fs';
import path from 'node:path';
import { databaseKind, dataDir } from '@/db';
import { generateKeyringEntry, parseKeyring, type Keyring } from '@/lib/crypto/keyring';
import { secretFromEnvOrDataDir } from './generated-secrets';

export function loadKeyring(): Keyring {
  return parseKeyring(
    secretFromEnvOrDataDir(
      ['GATEHOUSE_ENCRYPTION_KEYS'],
      'encryption-keys',
      () => generateKeyringEntry('k1'),
      "Generate one with: node -e \"console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))\"",
    ),
  );
}

const globalKeyring = globalThis as unknown as { __gatehouseKeyring?: Keyring };

/** The process's keyring, read once from GATEHOUSE_ENCRYPTION_KEYS (or the embedded data dir). */
export function currentKeyring(): Keyring {
  return (globalKeyring.__gatehouseKeyring ??= loadKeyring());
}

/** Forgets the cached keyring (after `gatehouse keys rotate` adds a key to the data dir). */
export function resetKeyringCache(): void {
  delete globalKeyring.__gatehouseKeyring;
}

/**
 * Embedded mode keeps the keyring in the data dir: appends a fresh key (the new primary). With
 * keys from the environment the operator adds the key (every instance must have it before values
 * are re-wrapped onto it), so this returns null.
 */
export function addDataDirKey(): string | null {
  if (process.env.GATEHOUSE_ENCRYPTION_KEYS?.trim() || databaseKind() === 'postgres' || dataDir() === 'memory://') return null;
  const file = path.join(dataDir(), 'encryption-keys');
  currentKeyring(); // creates the file on first use
  const entry = generateKeyringEntry(`k${Date.now().toString(36)}`);
  const existing = fs.readFileSync(file, 'utf8').trim();
  fs.writeFileSync(file, `${existing},${entry}\n`, { mode: 0o600 });
  resetKeyringCache();
  return entry.split(':')[0]!;
}
