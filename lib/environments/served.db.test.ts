// GATEHOUSE_ENVIRONMENTS against a real database: an instance pinned to some environments never
// connects to a resource in another one, nor shows, decrypts or changes its config values,
// whoever asks. A TCP listener stands in for the staging database and counts every connection it
// is offered; with TEST_DATABASE_URL a real Postgres resource is used as well.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { releaseApp, saveAppDraft } from '@/lib/apps/writes';
import { runAppQuery } from '@/lib/apps/run-query';
import { addUsersToGroup, createGroup, setGrant } from '@/lib/groups/writes';
import { createObject } from '@/lib/objects/writes';
import { createSampleResource, deleteResourceConfig, listResourceConfigs, saveResourceConfig } from '@/lib/resources/configs';
import { saveResourceConfigInput } from '@/lib/resources/inputs';
import { closeAllPools, openPoolCount } from '@/lib/resources/pools';
import { resolveResourceConfig, testResourceConnection } from '@/lib/resources/runtime';
import {
  createConfigVariable,
  createConfigVariableInput,
  listConfigVariables,
  updateConfigVariable,
  updateConfigVariableInput,
  variableValuesFor,
} from '@/lib/secrets/config-vars';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { listEnvironments } from './reads';

const ONLY_PRODUCTION = 'This instance serves only the production environment; "staging" runs on another instance.';

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await closeAllPools();
});

/**
 * A stand-in database that counts connections and answers each with a Postgres FATAL error (a
 * server that merely hangs up makes postgres.js reconnect for ever): one that must never be reached.
 */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let n = 0;
  const fields = Buffer.from('SFATAL\0C28000\0Mthe stand-in refuses every connection\0\0');
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  const server: Server = createServer((socket) => {
    n += 1;
    socket.on('error', () => undefined);
    socket.end(Buffer.concat([head, fields]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connections: () => n, close: () => server.close() };
}

/**
 * An organization with the sample in both environments, a Postgres resource configured for
 * staging only (pointing at `stagingPort`), and a released app with a query on each.
 */
async function setup(label: string, stagingPort: number) {
  const org = await makeOrg(label);
  const admin = asUser(org.orgId, org.adminId);
  const envs = await listEnvironments(org.orgId);
  const production = envs.find((e) => e.name === 'production')!;
  const staging = envs.find((e) => e.name === 'staging')!;
  const sample = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
  const pg = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'Orders DB', folderId: null }));
  await runMutation(admin, (ctx) =>
    saveResourceConfig(
      ctx,
      saveResourceConfigInput.parse({
        type: 'postgres',
        objectId: pg.id,
        environmentId: staging.id,
        host: '127.0.0.1',
        port: String(stagingPort),
        database: 'orders',
        user: 'gatehouse',
        password: 'staging-password',
        sslMode: 'disable',
      }),
    ),
  );
  const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: `Orders ${label}`, folderId: null }));
  await runMutation(admin, (ctx) =>
    saveAppDraft(ctx, {
      appId: app.id,
      definition: {
        pages: [
          {
            name: 'main',
            components: [
              { type: 'table', name: 'orders', query: 'count' },
              { type: 'table', name: 'health', query: 'ping' },
            ],
          },
        ],
        queries: [
          { type: 'sql', name: 'count', resourceId: sample.id, sql: 'select count(*)::int as n from orders' },
          { type: 'sql', name: 'ping', resourceId: pg.id, sql: 'select 1 as one' },
        ],
      },
    }),
  );
  await runMutation(admin, (ctx) => releaseApp(ctx, { appId: app.id }));
  const viewerUser = await makeUser(org.orgId, { label: 'viewer' });
  const viewers = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
  await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [viewerUser.id] }));
  await runMutation(admin, (ctx) =>
    setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'use' }),
  );
  return { org, admin, viewer: asUser(org.orgId, viewerUser.id), production, staging, sample, pg, app };
}

describe('an instance pinned to environments', () => {
  it('refuses staging runs, connection tests and configuration, for every actor, before anything connects', async () => {
    const db = await countingListener();
    try {
      const s = await setup('pin-prod', db.port);
      const pools = openPoolCount();
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production');

      expect(await runAppQuery(s.viewer, s.app.id, 'count', {})).toMatchObject({ ok: true, data: [{ n: 10 }] });
      const refused = { code: 'forbidden', message: ONLY_PRODUCTION };
      expect(await rejection(runAppQuery(s.admin, s.app.id, 'ping', { environmentId: s.staging.id }))).toEqual(refused);
      expect(await rejection(runAppQuery(s.admin, s.app.id, 'count', { environmentId: s.staging.id }))).toEqual(refused);
      expect(await rejection(runAppQuery(s.admin, s.app.id, 'ping', { environmentId: s.staging.id, pageVersion: 'latest' }))).toEqual(
        refused,
      );
      const target = { objectId: s.pg.id, environmentId: s.staging.id };
      expect(await rejection(runMutation(s.admin, (ctx) => testResourceConnection(ctx, target)))).toEqual(refused);
      // The operator (the CLI, and tokens it minted) is allowed everything else, but not this.
      const operator = { orgId: s.org.orgId, actor: { kind: 'cli' as const }, request: testRequest() };
      expect(await rejection(runMutation(operator, (ctx) => testResourceConnection(ctx, target)))).toEqual(refused);
      expect(await rejection(resolveResourceConfig(s.org.orgId, s.pg.id, { name: 'Staging' }))).toEqual(refused);
      expect(
        await rejection(
          runMutation(s.admin, (ctx) =>
            saveResourceConfig(ctx, saveResourceConfigInput.parse({ type: 'sample', objectId: s.pg.id, environmentId: s.staging.id })),
          ),
        ),
      ).toEqual(refused);
      expect(await rejection(runMutation(s.admin, (ctx) => deleteResourceConfig(ctx, target)))).toEqual(refused);

      expect(db.connections()).toBe(0);
      expect(openPoolCount()).toBe(pools);
      const events = await auditRows(s.org.orgId);
      expect(events.filter((e) => e.actionType === 'QUERY_RUN').map((e) => e.metadata.environment)).toEqual(['production']);
      expect(events.filter((e) => e.actionType === 'TEST_RESOURCE_CONNECTION')).toEqual([]);

      // Names match whatever their case; unset, every environment is served as before.
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', ' PRODUCTION ');
      expect(await runAppQuery(s.viewer, s.app.id, 'count', {})).toMatchObject({ ok: true });
      expect(await rejection(runAppQuery(s.admin, s.app.id, 'count', { environmentId: s.staging.id }))).toEqual(refused);
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', undefined);
      expect(await runAppQuery(s.admin, s.app.id, 'count', { environmentId: s.staging.id })).toMatchObject({ ok: true });
      // The stand-in is reachable: without the pin the run does try it (and gets its refusal).
      expect(await runAppQuery(s.admin, s.app.id, 'ping', { environmentId: s.staging.id })).toMatchObject({
        ok: false,
        error: 'the stand-in refuses every connection (28000)',
      });
      expect(db.connections()).toBeGreaterThan(0);
    } finally {
      await closeAllPools();
      db.close();
    }
  });

  it('pinned to staging, refuses the default environment with the same clear error; editors run in staging', async () => {
    const db = await countingListener();
    try {
      const s = await setup('pin-staging', db.port);
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'staging');
      // Viewers run released apps in the default environment, which this instance does not serve.
      expect(await rejection(runAppQuery(s.viewer, s.app.id, 'count', {}))).toEqual({
        code: 'forbidden',
        message: 'This instance serves only the staging environment; "production" runs on another instance.',
      });
      expect(await runAppQuery(s.admin, s.app.id, 'count', { environmentId: s.staging.id })).toMatchObject({ ok: true, data: [{ n: 10 }] });
      // A new sample resource is configured where this instance can use it.
      const fresh = await runMutation(s.admin, (ctx) => createSampleResource(ctx, { name: 'Another sample' }));
      expect((await listResourceConfigs(s.org.orgId, fresh.id)).map((c) => c.environmentId)).toEqual([s.staging.id]);

      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production,qa');
      expect(await rejection(runAppQuery(s.admin, s.app.id, 'count', { environmentId: s.staging.id }))).toEqual({
        code: 'forbidden',
        message: 'This instance serves only the production and qa environments; "staging" runs on another instance.',
      });
      vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production,staging');
      expect(await runAppQuery(s.viewer, s.app.id, 'count', {})).toMatchObject({ ok: true });
      expect(await runAppQuery(s.admin, s.app.id, 'count', { environmentId: s.staging.id })).toMatchObject({ ok: true });
      expect(db.connections()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('neither shows, decrypts nor changes config values of an environment it does not serve', async () => {
    const s = await setup('pin-values', 9);
    const host = await runMutation(s.admin, (ctx) => createConfigVariable(ctx, createConfigVariableInput.parse({ name: 'DB_HOST' })));
    const pass = await runMutation(s.admin, (ctx) =>
      createConfigVariable(ctx, createConfigVariableInput.parse({ name: 'DB_PASS', secret: 'on' })),
    );
    const form = (fields: Record<string, string>) => updateConfigVariableInput.parse(fields);
    for (const [v, prod, stage] of [
      [host.id, 'prod-db.internal', 'staging-db.internal'],
      [pass.id, 'prod-pass', 'staging-pass'],
    ] as const)
      await runMutation(s.admin, (ctx) =>
        updateConfigVariable(ctx, form({ variableId: v, [`value_${s.production.id}`]: prod, [`value_${s.staging.id}`]: stage })),
      );

    vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production');
    const listed = await listConfigVariables(s.org.orgId);
    expect(listed.find((v) => v.name === 'DB_HOST')!.values).toEqual({
      [s.production.id]: { set: true, value: 'prod-db.internal' },
      [s.staging.id]: { set: true, value: null },
    });
    expect(JSON.stringify(listed)).not.toMatch(/staging-db|staging-pass/);
    expect(await rejection(variableValuesFor(s.org.orgId, s.staging.id))).toEqual({ code: 'forbidden', message: ONLY_PRODUCTION });
    expect(Object.fromEntries(await variableValuesFor(s.org.orgId, s.production.id))).toEqual({
      DB_HOST: 'prod-db.internal',
      DB_PASS: 'prod-pass',
    });
    expect(
      await rejection(
        runMutation(s.admin, (ctx) => updateConfigVariable(ctx, form({ variableId: host.id, [`value_${s.staging.id}`]: 'elsewhere' }))),
      ),
    ).toEqual({ code: 'forbidden', message: ONLY_PRODUCTION });
    expect(
      await rejection(
        runMutation(s.admin, (ctx) => updateConfigVariable(ctx, form({ variableId: pass.id, [`clear_${s.staging.id}`]: 'on' }))),
      ),
    ).toEqual({ code: 'forbidden', message: ONLY_PRODUCTION });
    await runMutation(s.admin, (ctx) =>
      updateConfigVariable(ctx, form({ variableId: host.id, [`value_${s.production.id}`]: 'db2.internal' })),
    );
    // The resource page gets the type of a staging configuration, none of its settings.
    expect(await listResourceConfigs(s.org.orgId, s.pg.id)).toEqual([
      { environmentId: s.staging.id, type: 'postgres', served: false, options: {}, secretsSet: [], unreadable: false },
    ]);

    vi.stubEnv('GATEHOUSE_ENVIRONMENTS', undefined);
    expect((await listConfigVariables(s.org.orgId)).find((v) => v.name === 'DB_HOST')!.values[s.staging.id]).toEqual({
      set: true,
      value: 'staging-db.internal',
    });
    expect(Object.fromEntries(await variableValuesFor(s.org.orgId, s.staging.id))).toEqual({
      DB_HOST: 'staging-db.internal',
      DB_PASS: 'staging-pass',
    });
    expect(await listResourceConfigs(s.org.orgId, s.pg.id)).toMatchObject([{ served: true, options: { host: '127.0.0.1' } }]);
  });

  // Needs a Postgres server for the resource's database; skipped (not passed) without one.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'runs production on a real Postgres resource and never opens a staging connection',
    async () => {
      const server = new URL(process.env.TEST_DATABASE_URL!);
      const suffix = randomBytes(4).toString('hex');
      const dbName = `gatehouse_pin_${suffix}`;
      const prodRole = `gatehouse_pin_prod_${suffix}`;
      const stagingRole = `gatehouse_pin_staging_${suffix}`;
      const adminSql = postgres(server.href, { max: 1, onnotice: () => undefined });
      await adminSql.unsafe(`create role "${prodRole}" login password 'prod-${suffix}'`);
      await adminSql.unsafe(`create role "${stagingRole}" login password 'staging-${suffix}'`);
      await adminSql.unsafe(`create database "${dbName}" owner "${prodRole}"`);
      const sessionsOf = async (role: string) =>
        Number((await adminSql`select count(*)::int as n from pg_stat_activity where usename = ${role}`)[0]!.n);
      try {
        const s = await setup('pin-pg', 9);
        const config = (environmentId: string, user: string) =>
          saveResourceConfigInput.parse({
            type: 'postgres',
            objectId: s.pg.id,
            environmentId,
            host: server.hostname,
            port: server.port || '5432',
            database: dbName,
            user,
            password: user === prodRole ? `prod-${suffix}` : `staging-${suffix}`,
            sslMode: 'disable',
          });
        await runMutation(s.admin, (ctx) => saveResourceConfig(ctx, config(s.production.id, prodRole)));
        await runMutation(s.admin, (ctx) => saveResourceConfig(ctx, config(s.staging.id, stagingRole)));

        vi.stubEnv('GATEHOUSE_ENVIRONMENTS', 'production');
        const pools = openPoolCount();
        expect(await runAppQuery(s.viewer, s.app.id, 'ping', {})).toMatchObject({ ok: true, data: [{ one: 1 }] });
        expect(openPoolCount()).toBe(pools + 1);
        expect(await rejection(runAppQuery(s.admin, s.app.id, 'ping', { environmentId: s.staging.id }))).toEqual({
          code: 'forbidden',
          message: ONLY_PRODUCTION,
        });
        expect(
          await rejection(runMutation(s.admin, (ctx) => testResourceConnection(ctx, { objectId: s.pg.id, environmentId: s.staging.id }))),
        ).toEqual({ code: 'forbidden', message: ONLY_PRODUCTION });
        expect(openPoolCount()).toBe(pools + 1);
        expect(await sessionsOf(stagingRole)).toBe(0);
        expect(await sessionsOf(prodRole)).toBeGreaterThan(0);

        // Unpinned, the same request reaches staging: the check above was not vacuous.
        vi.stubEnv('GATEHOUSE_ENVIRONMENTS', undefined);
        expect(await runAppQuery(s.admin, s.app.id, 'ping', { environmentId: s.staging.id })).toMatchObject({ ok: true });
        expect(await sessionsOf(stagingRole)).toBeGreaterThan(0);
      } finally {
        await closeAllPools();
        await adminSql.unsafe(`drop database if exists "${dbName}" with (force)`);
        await adminSql.unsafe(`drop role if exists "${prodRole}"`);
        await adminSql.unsafe(`drop role if exists "${stagingRole}"`);
        await adminSql.end();
      }
    },
  );
});
