import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authSecret } from '@/lib/auth/secret';
import { loadKeyring } from './keyring';

const saved = { ...process.env };
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-keys-'));
  for (const k of ['DATABASE_URL', 'NEXTAUTH_SECRET', 'AUTH_SECRET', 'GATEHOUSE_ENCRYPTION_KEYS']) delete process.env[k];
  process.env.GATEHOUSE_DATA_DIR = dir;
});

afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('keys from the environment or the data dir', () => {
  it('with DATABASE_URL, refuses to run without them and names the variable', () => {
    process.env.DATABASE_URL = 'postgres://localhost/whatever';
    expect(() => authSecret()).toThrow(/^NEXTAUTH_SECRET is not set\. It is required when DATABASE_URL is set\./);
    expect(() => loadKeyring()).toThrow(/^GATEHOUSE_ENCRYPTION_KEYS is not set\./);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('embedded, generates each once into the data dir with mode 0600 and reuses it', () => {
    const secret = authSecret();
    const ring = loadKeyring();
    expect(authSecret()).toBe(secret);
    expect(loadKeyring().primary.key.equals(ring.primary.key)).toBe(true);
    for (const file of ['auth-secret', 'encryption-keys']) {
      expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    }
  });

  it('prefers the environment, and accepts AUTH_SECRET', () => {
    process.env.AUTH_SECRET = 'x'.repeat(40);
    expect(authSecret()).toBe('x'.repeat(40));
    process.env.NEXTAUTH_SECRET = 'short';
    expect(() => authSecret()).toThrow('at least 32 characters');
    expect(fs.existsSync(path.join(dir, 'auth-secret'))).toBe(false);
  });
});
