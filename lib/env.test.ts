import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    // PATH: the system's own, searched by a test helper for the PostgreSQL binaries (lib/test/postgres-cluster.ts).
    const internal = new Set(['NODE_ENV', 'NEXT_RUNTIME', 'GATEHOUSE_ROOT', 'AUTH_SECRET', 'PATH']);
    const undocumented = [...read].filter((n) => !names.has(n) && !internal.has(n));
    expect(undocumented).toEqual([]);
  });
});

describe('resource and secret-store settings', () => {
  it('parse comma lists and refuse unknown entries by name', async () => {
    const { deniedResourceTypes, secretStoreSettings } = await import('./env');
    const saved = {
      deny: process.env.GATEHOUSE_RESOURCE_TYPES_DENY,
      stores: process.env.GATEHOUSE_SECRET_STORES,
      cache: process.env.GATEHOUSE_SECRETS_CACHE_SECONDS,
    };
    try {
      process.env.GATEHOUSE_RESOURCE_TYPES_DENY = ' REST, postgres,rest ';
      expect(deniedResourceTypes()).toEqual(['rest', 'postgres']);
      process.env.GATEHOUSE_RESOURCE_TYPES_DENY = 'rest,mysql';
      expect(() => deniedResourceTypes()).toThrow(
        'GATEHOUSE_RESOURCE_TYPES_DENY may list only `postgres`, `rest`, `sample`; it has `mysql`.',
      );
      delete process.env.GATEHOUSE_SECRET_STORES;
      delete process.env.GATEHOUSE_SECRETS_CACHE_SECONDS;
      expect(secretStoreSettings()).toMatchObject({
        stores: ['env'],
        cacheSeconds: 60,
        vault: { mount: 'secret', path: 'gatehouse', approleMount: 'approle' },
      });
      process.env.GATEHOUSE_SECRET_STORES = 'vault,gcp';
      expect(() => secretStoreSettings()).toThrow(/GATEHOUSE_SECRET_STORES may list only .*`gcp`/);
      process.env.GATEHOUSE_SECRET_STORES = 'file';
      process.env.GATEHOUSE_SECRETS_CACHE_SECONDS = '-1';
      expect(() => secretStoreSettings()).toThrow(/GATEHOUSE_SECRETS_CACHE_SECONDS/);
    } finally {
      for (const [k, v] of [
        ['GATEHOUSE_RESOURCE_TYPES_DENY', saved.deny],
        ['GATEHOUSE_SECRET_STORES', saved.stores],
        ['GATEHOUSE_SECRETS_CACHE_SECONDS', saved.cache],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('security contact', () => {
  it('turns emails into mailto: URIs, keeps https: and tel: URIs, and refuses anything else by name', async () => {
    const { securityContacts } = await import('./env');
    const saved = process.env.GATEHOUSE_SECURITY_CONTACT;
    try {
      delete process.env.GATEHOUSE_SECURITY_CONTACT;
      expect(securityContacts()).toEqual([]);
      process.env.GATEHOUSE_SECURITY_CONTACT =
        ' security@acme.test , https://acme.test/security,tel:+1-201-555-0123,mailto:psirt@acme.test';
      expect(securityContacts()).toEqual([
        'mailto:security@acme.test',
        'https://acme.test/security',
        'tel:+1-201-555-0123',
        'mailto:psirt@acme.test',
      ]);
      for (const bad of ['http://acme.test/security', 'security at acme', 'javascript:alert(1)']) {
        process.env.GATEHOUSE_SECURITY_CONTACT = bad;
        expect(() => securityContacts(), bad).toThrow(
          `GATEHOUSE_SECURITY_CONTACT may list only emails and mailto:, https: or tel: URIs; it has \`${bad}\`.`,
        );
      }
    } finally {
      if (saved === undefined) delete process.env.GATEHOUSE_SECURITY_CONTACT;
      else process.env.GATEHOUSE_SECURITY_CONTACT = saved;
    }
  });
});

describe('served environments', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('are every environment when unset, and a lower-case list of names otherwise', async () => {
    const { servedEnvironmentNames } = await import('./env');
    vi.stubEnv('GATEHOUSE_ENVIRONMENTS', undefined);
    expect(servedEnvironmentNames()).toBeNull();
    vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production');
    expect(servedEnvironmentNames()).toEqual(['production']);
    vi.stubEnv('GATEHOUSE_ENVIRONMENTS', ' Production, staging ,PRODUCTION,eu_west-2 ');
    expect(servedEnvironmentNames()).toEqual(['production', 'staging', 'eu_west-2']);
  });

  it('refuse an empty or malformed value by name', async () => {
    const { servedEnvironmentNames } = await import('./env');
    for (const empty of ['', '  ']) {
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', empty);
      expect(() => servedEnvironmentNames()).toThrow(
        'GATEHOUSE_ENVIRONMENTS is set but empty: list the environments this instance serves (e.g. `production` or `production,staging`), or unset it to serve every one.',
      );
    }
    vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production,,staging');
    expect(() => servedEnvironmentNames()).toThrow(
      'GATEHOUSE_ENVIRONMENTS must be environment names separated by commas (e.g. `production` or `production,staging`); it has an empty entry.',
    );
    for (const [raw, bad] of [
      ['production staging', 'production staging'],
      ['production;staging', 'production;staging'],
      ['production,-qa', '-qa'],
      [`production,${'x'.repeat(41)}`, 'x'.repeat(41)],
    ]) {
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', raw);
      expect(() => servedEnvironmentNames(), raw).toThrow(`\`${bad}\` is not an environment name.`);
    }
  });
});

describe('frame ancestors', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('are none when unset, and a lower-case list of origins otherwise', async () => {
    const { frameAncestors } = await import('./env');
    vi.stubEnv('GATEHOUSE_FRAME_ANCESTORS', undefined);
    expect(frameAncestors()).toEqual([]);
    vi.stubEnv(
      'GATEHOUSE_FRAME_ANCESTORS',
      " https://Portal.example.com/, https://*.intranet.example:8443 'self' https://portal.example.com",
    );
    expect(frameAncestors()).toEqual(['https://portal.example.com', 'https://*.intranet.example:8443', "'self'"]);
  });

  it('refuse anything but an origin or self, by name', async () => {
    const { frameAncestors } = await import('./env');
    for (const bad of [
      'portal.example.com',
      'https://portal.example.com/apps',
      '*',
      'https://*',
      'javascript:alert(1)',
      "'none'",
      'self',
      'https://a.example;',
    ]) {
      vi.stubEnv('GATEHOUSE_FRAME_ANCESTORS', `https://ok.example, ${bad}`);
      expect(() => frameAncestors(), bad).toThrow(
        `GATEHOUSE_FRAME_ANCESTORS may list only origins like https://portal.example.com (no path) and 'self'; it has \`${bad}\`.`,
      );
    }
  });
});
