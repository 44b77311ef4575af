// Environments, config variables and resource configuration against a real database, with real
// peers: a local REST server, the sample schema, and (with TEST_DATABASE_URL) a real Postgres
// database as a resource. The leak test plants one unique value in every secret field.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getDb, queryRows } from '@/db';
import { configVariableValues, resourceConfigs } from '@/db/schema';
import { envelopeKeyId } from '@/lib/crypto/envelope';
import { currentKeyring } from '@/lib/keys/keyring';
import { rewrapAll } from '@/lib/keys/rotation';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { createEnvironment, deleteEnvironment, updateEnvironment } from '@/lib/environments/writes';
import { setGrantInput } from '@/lib/groups/inputs';
import { addUsersToGroup, createGroup, setGrant } from '@/lib/groups/writes';
import { createEnvironmentInput } from '@/lib/environments/inputs';
import { listEnvironments } from '@/lib/environments/reads';
import { createObject } from '@/lib/objects/writes';
import {
  createConfigVariable,
  createConfigVariableInput,
  deleteConfigVariable,
  listConfigVariables,
  updateConfigVariable,
  updateConfigVariableInput,
  variableValuesFor,
} from '@/lib/secrets/config-vars';
import { resetSecretCache } from '@/lib/secrets/stores';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { createSampleResource, deleteResourceConfig, listResourceConfigs, saveResourceConfig } from './configs';
import { saveResourceConfigInput } from './inputs';
import { closeAllPools, openPoolCount } from './pools';
import { redact, resolveResourceConfig, testResourceConnection } from './runtime';
import { withSampleDatabase } from './sample';

afterEach(() => {
  delete process.env.GATEHOUSE_RESOURCE_TYPES_DENY;
  resetSecretCache();
});
afterAll(async () => {
  await closeAllPools();
});

async function setup(label: string) {
  const org = await makeOrg(label);
  const admin = asUser(org.orgId, org.adminId);
  const envs = await listEnvironments(org.orgId);
  const production = envs.find((e) => e.name === 'production')!;
  const staging = envs.find((e) => e.name === 'staging')!;
  const resource = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name: `Res ${label}`, folderId: null }));
  return { org, admin, production, staging, resource };
}

const save = (admin: ReturnType<typeof asUser>, raw: Record<string, unknown>) =>
  runMutation(admin, (ctx) => saveResourceConfig(ctx, saveResourceConfigInput.parse(raw)));

type Seen = { url: string; headers: IncomingHttpHeaders };
async function restPeer(status = 200) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url!, headers: req.headers });
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('environments', () => {
  it('every organization has production and staging; admins add, rename and delete others, audited', async () => {
    const { org, admin, production, staging } = await setup('envs');
    expect((await listEnvironments(org.orgId)).map((e) => [e.name, e.isDefault])).toEqual([
      ['production', true],
      ['staging', false],
    ]);
    const qa = await runMutation(admin, (ctx) => createEnvironment(ctx, createEnvironmentInput.parse({ name: 'qa', color: '#2563EB' })));
    expect(createEnvironmentInput.safeParse({ name: 'qa', color: 'blue' }).error?.issues[0]?.message).toBe('Choose a colour like #2563eb.');
    expect(await rejection(runMutation(admin, (ctx) => createEnvironment(ctx, { name: 'QA', color: '#000000' })))).toMatchObject({
      code: 'conflict',
    });
    expect(
      await rejection(
        runMutation(admin, (ctx) => updateEnvironment(ctx, { environmentId: production.id, name: 'prod', color: production.color })),
      ),
    ).toEqual({
      code: 'conflict',
      message: 'The production environment cannot be renamed.',
    });
    await runMutation(admin, (ctx) => updateEnvironment(ctx, { environmentId: production.id, name: 'production', color: '#111111' }));
    expect(await rejection(runMutation(admin, (ctx) => deleteEnvironment(ctx, { environmentId: production.id })))).toEqual({
      code: 'conflict',
      message: 'The production environment cannot be deleted.',
    });
    await runMutation(admin, (ctx) => updateEnvironment(ctx, { environmentId: staging.id, name: 'stage', color: staging.color }));
    await runMutation(admin, (ctx) => deleteEnvironment(ctx, { environmentId: qa.id }));

    const member = await makeUser(org.orgId);
    expect(
      await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => createEnvironment(ctx, { name: 'dev', color: '#000000' }))),
    ).toMatchObject({ code: 'forbidden' });
    const other = await makeOrg('envs-other');
    expect(
      await rejection(runMutation(asUser(other.orgId, other.adminId), (ctx) => deleteEnvironment(ctx, { environmentId: staging.id }))),
    ).toMatchObject({ code: 'not_found' });

    const events = (await auditRows(org.orgId)).filter((e) => e.actionType.endsWith('_ENVIRONMENT'));
    expect(events.map((e) => e.actionType)).toEqual([
      'CREATE_ENVIRONMENT',
      'UPDATE_ENVIRONMENT',
      'UPDATE_ENVIRONMENT',
      'DELETE_ENVIRONMENT',
    ]);
    expect(events[2]!.metadata).toMatchObject({ before: { name: 'staging' }, after: { name: 'stage' } });
    expect(events[3]!.metadata).toMatchObject({ name: 'qa', resourceConfigsRemoved: 0, variableValuesRemoved: 0 });
  });
});

describe('config variables', () => {
  it('keeps values per environment; secret ones are encrypted and never listed', async () => {
    const { org, admin, production, staging } = await setup('vars');
    const region = await runMutation(admin, (ctx) =>
      createConfigVariable(ctx, createConfigVariableInput.parse({ name: 'REGION', description: 'AWS region' })),
    );
    const token = await runMutation(admin, (ctx) =>
      createConfigVariable(ctx, createConfigVariableInput.parse({ name: 'DB_PASSWORD', secret: 'on' })),
    );
    expect(createConfigVariableInput.safeParse({ name: 'db-password' }).error?.issues[0]?.message).toMatch(
      /letters, digits and underscores/,
    );
    expect(
      await rejection(runMutation(admin, (ctx) => createConfigVariable(ctx, { name: 'REGION', description: '', secret: false }))),
    ).toMatchObject({ code: 'conflict' });

    const form = (fields: Record<string, string>) => updateConfigVariableInput.parse(fields);
    await runMutation(admin, (ctx) =>
      updateConfigVariable(
        ctx,
        form({ variableId: region.id, [`value_${production.id}`]: 'eu-west-1', [`value_${staging.id}`]: 'eu-central-1' }),
      ),
    );
    await runMutation(admin, (ctx) =>
      updateConfigVariable(
        ctx,
        form({ variableId: token.id, [`value_${production.id}`]: 'prod-pass', [`value_${staging.id}`]: 'stage-pass' }),
      ),
    );
    // A blank secret keeps the stored value; "clear" removes it.
    expect(
      await rejection(
        runMutation(admin, (ctx) => updateConfigVariable(ctx, form({ variableId: token.id, [`value_${production.id}`]: '' }))),
      ),
    ).toEqual({ code: 'conflict', message: 'Nothing changed.' });
    await runMutation(admin, (ctx) => updateConfigVariable(ctx, form({ variableId: token.id, [`clear_${staging.id}`]: 'on' })));

    const listed = await listConfigVariables(org.orgId);
    expect(listed.find((v) => v.name === 'REGION')!.values[production.id]).toEqual({ set: true, value: 'eu-west-1' });
    expect(listed.find((v) => v.name === 'DB_PASSWORD')!.values).toEqual({ [production.id]: { set: true, value: null } });
    expect(JSON.stringify(listed)).not.toContain('prod-pass');
    expect(Object.fromEntries(await variableValuesFor(org.orgId, production.id))).toEqual({
      REGION: 'eu-west-1',
      DB_PASSWORD: 'prod-pass',
    });
    const stored = await getDb().select().from(configVariableValues).where(eq(configVariableValues.variableId, token.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.value).toBeNull();
    expect(stored[0]!.valueEnc).not.toContain('prod-pass');

    await runMutation(admin, (ctx) => deleteConfigVariable(ctx, { variableId: region.id }));
    const events = (await auditRows(org.orgId)).filter((e) => e.actionType.endsWith('_CONFIG_VARIABLE'));
    expect(events.map((e) => [e.actionType, e.metadata.changed ?? null])).toEqual([
      ['CREATE_CONFIG_VARIABLE', null],
      ['CREATE_CONFIG_VARIABLE', null],
      ['UPDATE_CONFIG_VARIABLE', ['value:production', 'value:staging']],
      ['UPDATE_CONFIG_VARIABLE', ['value:production', 'value:staging']],
      ['UPDATE_CONFIG_VARIABLE', ['value:staging']],
      ['DELETE_CONFIG_VARIABLE', null],
    ]);
    expect(JSON.stringify(events)).not.toMatch(/prod-pass|stage-pass|eu-west-1/);
  });
});

describe('resource configuration', () => {
  it('runs the sample database through a role that reads only its schema', async () => {
    const { admin, production, resource } = await setup('sample');
    await save(admin, { type: 'sample', objectId: resource.id, environmentId: production.id });
    const result = await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }));
    expect(result).toMatchObject({ ok: true, message: 'Connected to the sample database (10 orders).' });
    const rows = await withSampleDatabase((tx) => queryRows<{ name: string }>(tx, sql`select name from customers order by id limit 2`));
    expect(rows.map((r) => r.name)).toEqual(['Acme Corp', 'Globex']);
    await expect(withSampleDatabase((tx) => queryRows(tx, sql`select email from public.users limit 1`))).rejects.toThrow();
    await expect(withSampleDatabase((tx) => queryRows(tx, sql`delete from orders`))).rejects.toThrow();
    expect((await withSampleDatabase((tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from orders`)))[0]!.n).toBe(10);
  });

  it('adds a ready sample database resource in every environment', async () => {
    const { org, admin, staging } = await setup('sample-resource');
    const { id } = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
    expect((await listResourceConfigs(org.orgId, id)).map((c) => c.type)).toEqual(['sample', 'sample']);
    expect(await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: id, environmentId: staging.id }))).toMatchObject({
      ok: true,
    });
    expect(await rejection(runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' })))).toMatchObject({
      code: 'conflict',
    });
    const member = await makeUser(org.orgId);
    expect(await rejection(runMutation(asUser(org.orgId, member.id), (ctx) => createSampleResource(ctx, { name: 'Mine' })))).toMatchObject({
      code: 'forbidden',
    });
    expect((await auditRows(org.orgId)).map((e) => e.actionType).filter((t) => t.includes('RESOURCE'))).toEqual([
      'CREATE_RESOURCE',
      'CREATE_RESOURCE',
      'UPDATE_RESOURCE_CONFIG',
      'UPDATE_RESOURCE_CONFIG',
      'TEST_RESOURCE_CONNECTION',
    ]);
  });

  it('resolves secrets and variables into a REST resource per environment, and tests it', async () => {
    const { org, admin, production, staging, resource } = await setup('rest');
    const peer = await restPeer();
    try {
      process.env.GATEHOUSE_EXPOSED_REST_TOKEN = 'token-from-env-store';
      const region = await runMutation(admin, (ctx) => createConfigVariable(ctx, { name: 'REGION', description: '', secret: false }));
      await runMutation(admin, (ctx) =>
        updateConfigVariable(ctx, updateConfigVariableInput.parse({ variableId: region.id, [`value_${production.id}`]: 'eu' })),
      );
      const saved = await save(admin, {
        type: 'rest',
        objectId: resource.id,
        environmentId: production.id,
        baseUrl: `${peer.url}/v1`,
        headers: 'X-Region: {{ environment.variables.REGION }}\nAccept: application/json',
        auth: 'bearer',
        bearerToken: '{{ secrets.REST_TOKEN }}',
      });
      expect(saved.changed).toEqual(['baseUrl', 'headers', 'auth', 'basicUser', 'apiKeyHeader', 'bearerToken']);
      const resolved = await resolveResourceConfig(org.orgId, resource.id, { name: 'production' });
      expect(resolved.config).toEqual({
        type: 'rest',
        baseUrl: `${peer.url}/v1`,
        headers: { 'X-Region': 'eu', Accept: 'application/json', authorization: 'Bearer token-from-env-store' },
      });

      const ok = await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }));
      expect(ok).toMatchObject({ ok: true, message: 'The API answered HTTP 200.' });
      expect(peer.seen.at(-1)).toMatchObject({ url: '/v1', headers: { authorization: 'Bearer token-from-env-store', 'x-region': 'eu' } });

      // Staging is configured separately; a missing variable there is named in the failure.
      expect(
        await rejection(runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: staging.id }))),
      ).toMatchObject({ code: 'not_found' });
      await save(admin, {
        type: 'rest',
        objectId: resource.id,
        environmentId: staging.id,
        baseUrl: `${peer.url}/{{ environment.variables.REGION }}`,
        auth: 'none',
      });
      expect(
        await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: staging.id })),
      ).toMatchObject({
        ok: false,
        message: 'Config variable "REGION" has no value in the staging environment.',
      });
      // Re-saving with the secret left blank keeps it; every environment keeps one type.
      expect(
        await rejection(
          save(admin, {
            type: 'rest',
            objectId: resource.id,
            environmentId: production.id,
            baseUrl: `${peer.url}/v1`,
            headers: 'X-Region: {{ environment.variables.REGION }}\nAccept: application/json',
            auth: 'bearer',
          }),
        ),
      ).toEqual({ code: 'conflict', message: 'Nothing changed.' });
      expect(await rejection(save(admin, { type: 'sample', objectId: resource.id, environmentId: staging.id }))).toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('every environment uses the same type'),
      });
      expect(
        saveResourceConfigInput.safeParse({
          type: 'rest',
          objectId: resource.id,
          environmentId: production.id,
          baseUrl: '{{ current_user.email }}',
        }).error?.issues[0]?.message,
      ).toMatch(/not allowed here/);

      delete process.env.GATEHOUSE_EXPOSED_REST_TOKEN;
      resetSecretCache();
      const missing = await runMutation(admin, (ctx) =>
        testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }),
      );
      expect(missing).toMatchObject({ ok: false, message: 'Secret "REST_TOKEN" was not found in the secret stores (env).' });

      await runMutation(admin, (ctx) => deleteResourceConfig(ctx, { objectId: resource.id, environmentId: staging.id }));
      const events = (await auditRows(org.orgId)).filter((e) => /RESOURCE_CONFIG|RESOURCE_CONNECTION/.test(e.actionType));
      expect(events.map((e) => [e.actionType, e.metadata.environment, e.metadata.ok ?? null])).toEqual([
        ['UPDATE_RESOURCE_CONFIG', 'production', null],
        ['TEST_RESOURCE_CONNECTION', 'production', true],
        ['UPDATE_RESOURCE_CONFIG', 'staging', null],
        ['TEST_RESOURCE_CONNECTION', 'staging', false],
        ['TEST_RESOURCE_CONNECTION', 'production', false],
        ['DELETE_RESOURCE_CONFIG', 'staging', null],
      ]);
    } finally {
      peer.close();
    }
  });

  it('needs Own to configure and Edit to test, possibly in one environment only; other organizations see nothing', async () => {
    const { org, admin, production, staging, resource } = await setup('authz');
    await save(admin, { type: 'sample', objectId: resource.id, environmentId: production.id });
    const member = await makeUser(org.orgId);
    const asMember = asUser(org.orgId, member.id);
    expect(await rejection(save(asMember, { type: 'sample', objectId: resource.id, environmentId: production.id }))).toMatchObject({
      code: 'forbidden',
    });
    expect(
      await rejection(runMutation(asMember, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }))),
    ).toMatchObject({ code: 'forbidden' });
    // "Own on staging only": configure staging, nothing more in production than the group's Use.
    const ops = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Ops' }));
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: ops.id, userIds: [member.id] }));
    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: ops.id, objectKind: 'resource', scope: 'kind', targetId: null, level: 'use' }),
    );
    await runMutation(admin, (ctx) =>
      setGrant(
        ctx,
        setGrantInput.parse({
          groupId: ops.id,
          objectKind: 'resource',
          scope: 'object',
          targetId: resource.id,
          level: 'own',
          environmentId: staging.id,
        }),
      ),
    );
    await save(asMember, { type: 'sample', objectId: resource.id, environmentId: staging.id });
    expect(
      await runMutation(asMember, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: staging.id })),
    ).toMatchObject({ ok: true });
    expect(
      await rejection(runMutation(asMember, (ctx) => deleteResourceConfig(ctx, { objectId: resource.id, environmentId: production.id }))),
    ).toEqual({
      code: 'forbidden',
      message: 'This needs own access to the resource; you have use.',
    });
    const granted = (await auditRows(org.orgId)).filter((e) => e.actionType === 'GRANT_PERMISSION').at(-1)!;
    expect(granted.metadata).toMatchObject({ level: 'own', environmentId: staging.id });
    // Deleting the environment deletes the grant limited to it.
    await runMutation(admin, (ctx) => deleteEnvironment(ctx, { environmentId: staging.id }));
    expect((await loadSnapshot(org.orgId, member.id, getDb())).grants.map((g) => [g.level, g.environmentId])).toEqual([['use', null]]);

    const other = await makeOrg('authz-other');
    expect(
      await rejection(save(asUser(other.orgId, other.adminId), { type: 'sample', objectId: resource.id, environmentId: production.id })),
    ).toMatchObject({ code: 'not_found' });
    await expect(resolveResourceConfig(other.orgId, resource.id, { name: 'production' })).rejects.toThrow(/not configured/);
  });

  it('refuses resource types the instance denies, and link-local addresses', async () => {
    const { admin, production, resource } = await setup('deny');
    await save(admin, { type: 'rest', objectId: resource.id, environmentId: production.id, baseUrl: 'http://127.0.0.1:9/', auth: 'none' });
    process.env.GATEHOUSE_RESOURCE_TYPES_DENY = 'rest, postgres';
    const denied = { code: 'forbidden', message: 'REST API resources are turned off on this Gatehouse (GATEHOUSE_RESOURCE_TYPES_DENY).' };
    expect(
      await rejection(
        save(admin, { type: 'rest', objectId: resource.id, environmentId: production.id, baseUrl: 'http://127.0.0.1:8/', auth: 'none' }),
      ),
    ).toEqual(denied);
    expect(
      await rejection(runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }))),
    ).toEqual(denied);
    delete process.env.GATEHOUSE_RESOURCE_TYPES_DENY;
    await save(admin, {
      type: 'rest',
      objectId: resource.id,
      environmentId: production.id,
      baseUrl: 'http://169.254.169.254/latest/meta-data/',
      auth: 'none',
    });
    expect(
      await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id })),
    ).toMatchObject({
      ok: false,
      message: 'Link-local addresses (such as cloud metadata services) cannot be resources.',
    });
    process.env.GATEHOUSE_RESOURCE_TYPES_DENY = 'mongodb';
    await expect(save(admin, { type: 'sample', objectId: resource.id, environmentId: production.id })).rejects.toThrow(
      'GATEHOUSE_RESOURCE_TYPES_DENY may list only `postgres`, `rest`, `sample`; it has `mongodb`.',
    );
  });

  it('connects to a real Postgres database with a small pool that is rebuilt when the config changes', async () => {
    const { admin, production, resource } = await setup('pg');
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) {
      // Without a Postgres server: a refused connection is an answer without the password in it.
      await save(admin, {
        type: 'postgres',
        objectId: resource.id,
        environmentId: production.id,
        host: '127.0.0.1',
        port: '1',
        database: 'db',
        user: 'u',
        password: 'pg-pass-not-shown',
        sslMode: 'disable',
      });
      const failed = await runMutation(admin, (ctx) =>
        testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }),
      );
      expect(failed.ok).toBe(false);
      expect(failed.message).toMatch(/ECONNREFUSED/);
      expect(failed.message).not.toContain('pg-pass-not-shown');
      return;
    }
    const suffix = randomBytes(4).toString('hex');
    const dbName = `gatehouse_resource_${suffix}`;
    const role = `gatehouse_resource_${suffix}`;
    const adminSql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
    await adminSql.unsafe(`create role "${role}" login password 'pw-${suffix}'`);
    await adminSql.unsafe(`create database "${dbName}" owner "${role}"`);
    try {
      const u = new URL(serverUrl);
      process.env.GATEHOUSE_EXPOSED_PG_PASSWORD = `pw-${suffix}`;
      await save(admin, {
        type: 'postgres',
        objectId: resource.id,
        environmentId: production.id,
        host: u.hostname,
        port: u.port || '5432',
        database: dbName,
        user: role,
        password: '{{ secrets.PG_PASSWORD }}',
        sslMode: 'disable',
      });
      const pools = openPoolCount();
      const ok = await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }));
      expect(ok).toMatchObject({ ok: true, message: `Connected to ${u.hostname}:${u.port || 5432}/${dbName}.` });
      expect(openPoolCount()).toBe(pools + 1);
      // Saving closes the pool; the next test builds a new one for the new settings.
      await save(admin, {
        type: 'postgres',
        objectId: resource.id,
        environmentId: production.id,
        mode: 'connection_string',
        connectionString: `postgres://${role}:{{ secrets.PG_PASSWORD }}@${u.host}/${dbName}`,
        sslMode: 'disable',
      });
      expect(openPoolCount()).toBe(pools);
      expect(
        await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id })),
      ).toMatchObject({ ok: true });
      await save(admin, {
        type: 'postgres',
        objectId: resource.id,
        environmentId: production.id,
        mode: 'fields',
        host: u.hostname,
        port: u.port || '5432',
        database: `${dbName}_missing`,
        user: role,
        password: 'x',
        sslMode: 'disable',
      });
      const failed = await runMutation(admin, (ctx) =>
        testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }),
      );
      expect(failed.ok).toBe(false);
      expect(failed.message).toContain('does not exist');
    } finally {
      delete process.env.GATEHOUSE_EXPOSED_PG_PASSWORD;
      await closeAllPools();
      await adminSql.unsafe(`drop database if exists "${dbName}" with (force)`);
      await adminSql.unsafe(`drop role if exists "${role}"`);
      await adminSql.end();
    }
  });

  it('never lets a planted secret out: not in listings, audit rows, stored rows or failure messages', async () => {
    const { org, admin, production, staging, resource } = await setup('leak');
    const planted = `PLANTED-${randomBytes(8).toString('hex')}`;
    const peer = await restPeer(401);
    try {
      const variable = await runMutation(admin, (ctx) => createConfigVariable(ctx, { name: 'LEAKY', description: '', secret: true }));
      await runMutation(admin, (ctx) =>
        updateConfigVariable(
          ctx,
          updateConfigVariableInput.parse({ variableId: variable.id, [`value_${production.id}`]: `${planted}-var` }),
        ),
      );
      const pg = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'Leaky PG', folderId: null }));
      await save(admin, {
        type: 'postgres',
        objectId: pg.id,
        environmentId: production.id,
        host: '127.0.0.1',
        port: '1',
        database: 'x',
        user: 'u',
        password: `${planted}-password`,
        sslMode: 'disable',
      });
      await save(admin, {
        type: 'postgres',
        objectId: pg.id,
        environmentId: staging.id,
        mode: 'connection_string',
        connectionString: `postgres://u:${planted}-cs@127.0.0.1:1/x`,
        sslMode: 'disable',
      });
      for (const [auth, field] of [
        ['bearer', 'bearerToken'],
        ['basic', 'basicPassword'],
        ['api_key', 'apiKey'],
      ] as const) {
        await save(admin, {
          type: 'rest',
          objectId: resource.id,
          environmentId: production.id,
          baseUrl: `${peer.url}/?v={{ environment.variables.LEAKY }}`,
          auth,
          basicUser: 'me',
          apiKeyHeader: 'X-Key',
          [field]: `${planted}-${field}`,
        });
        const result = await runMutation(admin, (ctx) =>
          testResourceConnection(ctx, { objectId: resource.id, environmentId: production.id }),
        );
        expect(result).toMatchObject({ ok: false, message: 'The API answered HTTP 401.' });
      }
      const results = [
        await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: pg.id, environmentId: production.id })),
        await runMutation(admin, (ctx) => testResourceConnection(ctx, { objectId: pg.id, environmentId: staging.id })),
      ];
      expect(results.every((r) => !r.ok)).toBe(true);
      expect(redact(`x ${planted}-password y`, [`${planted}-password`])).toBe('x [redacted] y');

      const visible = JSON.stringify([
        results,
        await listResourceConfigs(org.orgId, pg.id),
        await listResourceConfigs(org.orgId, resource.id),
        await listConfigVariables(org.orgId),
        await auditRows(org.orgId),
        await getDb().select().from(resourceConfigs).where(eq(resourceConfigs.organizationId, org.orgId)),
        await getDb().select().from(configVariableValues).where(eq(configVariableValues.organizationId, org.orgId)),
      ]);
      expect(visible).not.toContain(planted);
      expect((await listResourceConfigs(org.orgId, pg.id)).map((c) => c.secretsSet).sort()).toEqual([['connectionString'], ['password']]);
    } finally {
      peer.close();
    }
  });

  it('key rotation re-wraps resource secrets and secret variable values', async () => {
    const { org, admin, production, resource } = await setup('rotate');
    await save(admin, {
      type: 'rest',
      objectId: resource.id,
      environmentId: production.id,
      baseUrl: 'https://api.example.test/',
      auth: 'bearer',
      bearerToken: 'rotate-me',
    });
    const variable = await runMutation(admin, (ctx) => createConfigVariable(ctx, { name: 'ROTATED', description: '', secret: true }));
    await runMutation(admin, (ctx) =>
      updateConfigVariable(ctx, updateConfigVariableInput.parse({ variableId: variable.id, [`value_${production.id}`]: 'secret-value' })),
    );
    const old = currentKeyring();
    const key = randomBytes(32);
    const ring = { primary: { id: 'next', key }, keys: new Map([...old.keys, ['next', key]]) };
    expect(await rewrapAll({ actor: { kind: 'cli' }, request: testRequest() }, ring, { organizationId: org.orgId })).toEqual({
      rewrapped: 2,
    });
    const [config] = await getDb().select().from(resourceConfigs).where(eq(resourceConfigs.resourceId, resource.id));
    const [value] = await getDb().select().from(configVariableValues).where(eq(configVariableValues.variableId, variable.id));
    expect([envelopeKeyId(config!.secrets), envelopeKeyId(value!.valueEnc!)]).toEqual(['next', 'next']);
    // Back onto the run's key: on Postgres every test file shares the database (and `keys status`).
    await rewrapAll(
      { actor: { kind: 'cli' }, request: testRequest() },
      { primary: old.primary, keys: ring.keys },
      { organizationId: org.orgId },
    );
  });
});
