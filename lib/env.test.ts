import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envCatalogue } from './env';

const readme = fs.readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');

describe('environment catalogue', () => {
  it('is documented in README with each default', () => {
    for (const v of envCatalogue) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${v.name}\``));
      expect(row, `README lists ${v.name}`).toBeDefined();
      expect(row, `README gives ${v.name}'s default`).toContain(v.default);
    }
  });

  it('lists every variable the code reads', () => {
    const names = new Set<string>(envCatalogue.map((v) => v.name));
    const read = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
          for (const m of fs.readFileSync(full, 'utf8').matchAll(/process\.env\.([A-Z_]+)/g)) read.add(m[1]!);
        }
      }
    };
    for (const dir of ['app', 'lib', 'db', 'components']) walk(path.resolve(__dirname, '..', dir));
    const internal = new Set(['NODE_ENV', 'NEXT_RUNTIME', 'GATEHOUSE_ROOT', 'AUTH_SECRET']);
    const undocumented = [...read].filter((n) => !names.has(n) && !internal.has(n));
    expect(undocumented).toEqual([]);
  });
});
