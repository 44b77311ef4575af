// gatehouse keys status · generate · rotate — the encryption keyring and the values under each key.
import { migrate } from '@/db/migrate';
import { generateKeyringEntry } from '@/lib/crypto/keyring';
import { addDataDirKey, currentKeyring } from '@/lib/keys/keyring';
import { keyStatus, rewrapAll } from '@/lib/keys/rotation';
import { AppError } from '@/lib/errors';
import { defineCommand } from '../command';
import { cliInit } from '../operator';

export const keysStatus = defineCommand({
  name: 'keys status',
  summary: 'How many encrypted values use each key; flags keys missing from the keyring.',
  flags: {},
  async run() {
    await migrate();
    const usage = await keyStatus();
    const ring = currentKeyring();
    const missing = usage.filter((u) => !u.inKeyring);
    const lines = [
      `Keyring: ${[...ring.keys.keys()].join(', ')} (newest: ${ring.primary.id})`,
      ...usage.map((u) => `${u.table}.${u.column}: ${u.values} value(s) on key ${u.keyId}${u.inKeyring ? '' : '  MISSING FROM KEYRING'}`),
    ];
    if (usage.length === 0) lines.push('No encrypted values stored yet.');
    if (missing.length)
      throw new AppError('conflict', `${lines.join('\n')}\nSome values use keys the keyring does not contain; they cannot be decrypted.`, {
        details: usage,
      });
    return { json: { keys: [...ring.keys.keys()], primary: ring.primary.id, usage }, text: lines.join('\n') };
  },
});

export const keysGenerate = defineCommand({
  name: 'keys generate',
  summary: 'Print a new keyring entry to append to GATEHOUSE_ENCRYPTION_KEYS.',
  flags: {},
  async run() {
    const entry = generateKeyringEntry(`k${Date.now().toString(36)}`);
    return { json: { entry }, text: `Append this entry (comma-separated) to GATEHOUSE_ENCRYPTION_KEYS on every instance:\n${entry}` };
  },
});

export const keysRotate = defineCommand({
  name: 'keys rotate',
  summary: 'Re-encrypt every value with the newest key, in committed batches (resumable).',
  details: [
    'Embedded mode: adds a new key to the data dir first. With GATEHOUSE_ENCRYPTION_KEYS: append a new',
    'entry on every instance and restart them first; the last entry is the new key.',
  ].join('\n'),
  flags: {},
  async run() {
    await migrate();
    const added = addDataDirKey();
    const ring = currentKeyring();
    const { rewrapped } = await rewrapAll({ actor: { kind: 'cli' }, request: cliInit(null).request }, ring);
    const text = `${added ? `Added key ${added} to the data dir. ` : ''}Re-encrypted ${rewrapped} value(s) with key ${ring.primary.id}.`;
    return { json: { addedKey: added, primary: ring.primary.id, rewrapped }, text };
  },
});
