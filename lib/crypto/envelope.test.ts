import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, envelopeKeyId } from './envelope';
import { parseKeyring } from './keyring';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ring = parseKeyring(`old:${key(1)},new:${key(2)}`);
const ctx = { orgId: 'org-1', table: 'audit_sinks', column: 'secret', rowId: 'row-1' };

describe('envelopes', () => {
  it('round-trips with the newest key and a fresh IV each time', () => {
    const a = encryptSecret('dd-api-key', ctx, ring);
    const b = encryptSecret('dd-api-key', ctx, ring);
    expect(a).not.toBe(b);
    expect(a).not.toContain('dd-api-key');
    expect(envelopeKeyId(a)).toBe('new');
    expect(decryptSecret(a, ctx, ring)).toBe('dd-api-key');
  });

  it('still decrypts values written with an older key', () => {
    const old = encryptSecret('s3cret', ctx, parseKeyring(`old:${key(1)}`));
    expect(envelopeKeyId(old)).toBe('old');
    expect(decryptSecret(old, ctx, ring)).toBe('s3cret');
  });

  it('fails closed when moved to another row, column or organization, altered, or the key is gone', () => {
    const value = encryptSecret('s3cret', ctx, ring);
    for (const other of [
      { ...ctx, rowId: 'row-2' },
      { ...ctx, column: 'other' },
      { ...ctx, orgId: 'org-2' },
      { ...ctx, table: 'users' },
    ]) {
      expect(() => decryptSecret(value, other, ring)).toThrow(/could not be decrypted/);
    }
    const parts = value.split('.');
    const flipped = [parts[0], parts[1], parts[2], (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1)].join('.');
    expect(() => decryptSecret(flipped, ctx, ring)).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(value, ctx, parseKeyring(`old:${key(1)}`))).toThrow(
      /key "new", which GATEHOUSE_ENCRYPTION_KEYS does not contain/,
    );
    expect(() => decryptSecret(value, ctx, parseKeyring(`new:${key(3)}`))).toThrow(/could not be decrypted/);
    expect(() => decryptSecret('plaintext', ctx, ring)).toThrow(/not an encrypted value/);
  });
});
