import { describe, expect, it } from 'vitest';
import { generateKeyringEntry, parseKeyring } from './keyring';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

describe('keyring', () => {
  it('uses the last entry to encrypt and keeps all for decryption', () => {
    const ring = parseKeyring(`old:${key(1)}, new:${key(2)}`);
    expect(ring.primary.id).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['old', 'new']);
  });

  it('round-trips a generated entry', () => {
    const ring = parseKeyring(generateKeyringEntry('k9'));
    expect(ring.primary.id).toBe('k9');
    expect(ring.primary.key).toHaveLength(32);
  });

  it.each([
    ['', 'is empty'],
    [key(1), 'entry 1 must look like keyId:base64key'],
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'must be 32 bytes'],
    [`k1:${key(1)},k1:${key(2)}`, 'twice'],
    [`bad id:${key(1)}`, 'entry 1'],
  ])('rejects %j with a message that names the problem but not the key', (value, message) => {
    expect(() => parseKeyring(value)).toThrow(message);
    // Each entry's key material, whatever its length (not only key(1)).
    const keys = value
      .split(',')
      .map((entry) => entry.slice(entry.indexOf(':') + 1))
      .filter(Boolean);
    try {
      parseKeyring(value);
    } catch (e) {
      for (const k of keys) expect((e as Error).message).not.toContain(k);
    }
  });
});
