// geoLocation from a real MaxMind-format file (written by the test MMDB writer), through record().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { auditRows, makeOrg, testRequest } from '@/lib/test/helpers';
import { buildMmdb } from '@/lib/test/mmdb';
import { verifyChain } from './chain';
import { geoLocate } from './geo';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'geoip-'));
const file = path.join(dir, 'test-city.mmdb');
fs.writeFileSync(
  file,
  buildMmdb({
    '203.0.113.0/24': {
      country: { iso_code: 'NL', names: { en: 'Netherlands' } },
      subdivisions: [{ iso_code: 'NH', names: { en: 'North Holland' } }],
      city: { names: { en: 'Amsterdam' } },
      location: { latitude: 52.37, longitude: 4.89 },
    },
    '198.51.100.0/24': { country: { iso_code: 'JP', names: { en: 'Japan' } } },
  }),
);
afterAll(() => {
  delete process.env.GEOIP_DATABASE;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('geoLocation', () => {
  it('is null without GEOIP_DATABASE', async () => {
    delete process.env.GEOIP_DATABASE;
    expect(await geoLocate('203.0.113.7')).toBeNull();
  });

  it('fills audit events from the database, and stays null for unknown or missing addresses', async () => {
    process.env.GEOIP_DATABASE = file;
    expect(await geoLocate('198.51.100.9')).toEqual({
      country: 'Japan',
      countryCode: 'JP',
      region: null,
      city: null,
      latitude: null,
      longitude: null,
    });
    expect(await geoLocate('192.0.2.1')).toBeNull();
    expect(await geoLocate('not an ip')).toBeNull();

    const org = await makeOrg('geo');
    for (const ip of ['203.0.113.7', '192.0.2.1', null]) {
      await runMutation(
        { orgId: org.orgId, actor: { kind: 'user', userId: org.adminId }, request: testRequest({ ipAddress: ip }) },
        (ctx) => createGroup(ctx, { name: `from ${ip}` }),
      );
    }
    const events = (await auditRows(org.orgId)).filter((e) => e.actionType === 'CREATE_GROUP');
    expect(events.map((e) => e.geoLocation)).toEqual([
      { country: 'Netherlands', countryCode: 'NL', region: 'North Holland', city: 'Amsterdam', latitude: 52.37, longitude: 4.89 },
      null,
      null,
    ]);
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true });
  });
});
