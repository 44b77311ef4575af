// App definitions and query runs against a real database and real peers: the sample database,
// a local REST server and (with TEST_DATABASE_URL) a database created for the test as a Postgres
// resource. Spoofing and hidden parameters are tested through the same function the endpoint calls.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appReleases } from '@/db/schema';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { listEnvironments } from '@/lib/environments/reads';
import { addUsersToGroup, createGroup, setGrant } from '@/lib/groups/writes';
import { createObject } from '@/lib/objects/writes';
import { createSampleResource, saveResourceConfig } from '@/lib/resources/configs';
import { saveResourceConfigInput } from '@/lib/resources/inputs';
import { closeAllPools } from '@/lib/resources/pools';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { requireOrgUser } from '@/lib/users/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { matchesHiddenParameter } from './hidden';
import { currentUserFor, findAppDraft, findReleasedAppView, listAppReleases } from './reads';
import { ROW_CAP, runAppQuery, type QueryRunResult } from './run-query';
import { setQuerySpoofingPrevention } from './settings';
import { releaseApp, saveAppDraft } from './writes';

afterAll(async () => {
  await closeAllPools();
});

async function setup(label: string) {
  const org = await makeOrg(label);
  const admin = asUser(org.orgId, org.adminId);
  const envs = await listEnvironments(org.orgId);
  const production = envs.find((e) => e.isDefault)!;
  const staging = envs.find((e) => e.name === 'staging')!;
  const sample = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
  const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: `Orders ${label}`, folderId: null }));
  const viewerUser = await makeUser(org.orgId, { label: 'viewer' });
  const viewers = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
  await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [viewerUser.id] }));
  await runMutation(admin, (ctx) =>
    setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'use' }),
  );
  const viewer = asUser(org.orgId, viewerUser.id);
  return { org, admin, production, staging, sample, app, viewer, viewerUser };
}

const ordersDefinition = (resourceId: string, extraQueries: unknown[] = []) => ({
  pages: [
    {
      name: 'main',
      components: [
        { type: 'select', name: 'status', label: 'Status', options: [{ label: 'Shipped', value: 'shipped' }] },
        { type: 'textInput', name: 'password', label: 'Password' },
        { type: 'table', name: 'orders', query: 'myOrders' },
        { type: 'text', name: 'hello', value: 'Hi {{ current_user.firstName }}', hidden: '{{ !current_user.email }}' },
      ],
    },
  ],
  queries: [
    {
      type: 'sql',
      name: 'myOrders',
      resourceId,
      sql: 'select {{ current_user.email }}::text as email, count(*)::int as n from orders where status = {{ status.value }}',
    },
    { type: 'sql', name: 'checkPassword', resourceId, sql: 'select {{ password.value }}::int as n', disableLoggingFor: ['password'] },
    ...extraQueries,
  ],
});

type TestDefinition = { pages: { name: string; components: Record<string, unknown>[] }[]; queries: unknown[] };

/** A viewer runs only the queries a component of their page runs: a button for each query no component names. */
function withButtons(definition: TestDefinition): TestDefinition {
  const run = new Set(definition.pages.flatMap((p) => p.components.map((c) => c.query ?? c.submitQuery)));
  const buttons = (definition.queries as { name: string }[])
    .filter((q) => !run.has(q.name))
    .map((q) => ({ type: 'button', name: `run_${q.name}`, label: 'Run', query: q.name }));
  const [first, ...rest] = definition.pages;
  return { ...definition, pages: [{ ...first!, components: [...first!.components, ...buttons] }, ...rest] };
}

async function released(s: Awaited<ReturnType<typeof setup>>, definition: TestDefinition) {
  await runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: withButtons(definition) }));
  return runMutation(s.admin, (ctx) => releaseApp(ctx, { appId: s.app.id }));
}

/** The field errors of an invalid_input refusal (or fails the test). */
async function fieldErrorsOf(p: Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError && e.code === 'invalid_input') return e.meta.fieldErrors ?? {};
    throw e;
  }
  throw new Error('expected invalid_input');
}

function okData(r: QueryRunResult): unknown {
  if (!r.ok) throw new Error(`query failed: ${r.error}`);
  return r.data;
}

describe('app definitions', () => {
  it('validates with errors that point at the path, and releases numbered versions', async () => {
    const s = await setup('def');
    const bad = ordersDefinition(s.sample.id);
    (bad.pages[0]!.components[2] as { query: string }).query = 'nope';
    const refused = await fieldErrorsOf(runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: bad })));
    expect(refused['pages[0].components[2].query']).toEqual(['There is no query named "nope".']);

    const badExpr = ordersDefinition(s.sample.id);
    (badExpr.pages[0]!.components[3] as { hidden: string }).hidden = '{{ a.constructor }}';
    const e2 = await fieldErrorsOf(runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: badExpr })));
    expect(Object.keys(e2)).toEqual(['pages[0].components[3].hidden']);

    const quoted = ordersDefinition(s.sample.id, [
      { type: 'sql', name: 'q3', resourceId: s.sample.id, sql: "select '{{ status.value }}'" },
    ]);
    const e3 = await fieldErrorsOf(runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: quoted })));
    expect(e3['queries[2].sql']?.[0]).toMatch(/quoted string/);

    expect(
      await rejection(runMutation(s.viewer, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: ordersDefinition(s.sample.id) }))),
    ).toMatchObject({ code: 'forbidden' });
    expect(await rejection(runMutation(s.admin, (ctx) => releaseApp(ctx, { appId: s.app.id })))).toMatchObject({ code: 'conflict' });
    const other = await makeOrg('other');
    expect(
      await rejection(runMutation(asUser(other.orgId, other.adminId), (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: {} }))),
    ).toMatchObject({ code: 'not_found' });

    expect(await released(s, ordersDefinition(s.sample.id))).toMatchObject({ version: 1 });
    expect(await runMutation(s.admin, (ctx) => releaseApp(ctx, { appId: s.app.id }))).toMatchObject({ version: 2 });
    expect((await findAppDraft(s.org.orgId, s.app.id))?.definition).toMatchObject({
      queries: [{ name: 'myOrders' }, { name: 'checkPassword' }],
    });
    expect(await findAppDraft(other.orgId, s.app.id)).toBeNull();
    expect((await listAppReleases(s.org.orgId, s.app.id)).map((r) => r.version)).toEqual([2, 1]);
    expect(await listAppReleases(other.orgId, s.app.id)).toEqual([]);
    const types = (await auditRows(s.org.orgId)).map((r) => r.actionType);
    expect(types.filter((t) => t === 'APP_DRAFT_SAVED')).toHaveLength(1);
    expect(types.filter((t) => t === 'APP_RELEASED')).toHaveLength(2);
  });

  it('refuses a query on a resource of another organization', async () => {
    const s = await setup('foreign');
    const other = await makeOrg('foreign2');
    const theirs = await runMutation(asUser(other.orgId, other.adminId), (ctx) => createSampleResource(ctx, { name: 'Theirs' }));
    const e = await fieldErrorsOf(
      runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: ordersDefinition(theirs.id) })),
    );
    expect(Object.keys(e)).toEqual(['queries[0].resourceId']);
  });
});

describe('running queries', () => {
  it('runs the released SQL on the sample with current_user from the session, parameterized, and records QUERY_RUN', async () => {
    const s = await setup('run');
    await released(s, ordersDefinition(s.sample.id));
    const r = await runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { status: { value: 'shipped' } } });
    const [row] = okData(r) as { email: string; n: number }[];
    expect(row!.email).toBe(s.viewerUser.email);
    expect(row!.n).toBeGreaterThan(0);

    const injected = await runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { status: { value: "shipped' or '1'='1" } } });
    expect((okData(injected) as { n: number }[])[0]!.n).toBe(0);

    const rows = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      userId: s.viewerUser.id,
      pageName: 'main',
      queryName: 'myOrders',
      resourceName: 'Sample database',
      ipAddress: '203.0.113.7',
      metadata: {
        error: null,
        isError: false,
        status: 200,
        statusText: 'OK',
        pageVersion: '1',
        environment: 'production',
        parameters: { 'current_user.email': s.viewerUser.email, 'status.value': 'shipped' },
        request: { appId: s.app.id, releaseVersion: 1, environmentSwitched: false, rowCount: 1, truncated: false },
        query: { type: 'sql', resourceId: s.sample.id, disableLoggingFor: [] },
      },
      user: { id: s.viewerUser.id, email: s.viewerUser.email },
    });
    expect(typeof rows[0]!.responseTimeMs).toBe('number');
  });

  it('runs each release on the resource it names, also right after a new release moves the query elsewhere', async () => {
    const s = await setup('moved');
    const run = () => runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { status: { value: 'shipped' } } });
    await released(s, ordersDefinition(s.sample.id));
    okData(await run());
    okData(await run());
    const second = await runMutation(s.admin, (ctx) => createSampleResource(ctx, { name: 'Second sample' }));
    await released(s, ordersDefinition(second.id));
    okData(await run());
    okData(await run());
    const runs = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN');
    expect(runs.map((r) => [r.resourceName, r.metadata.pageVersion])).toEqual([
      ['Sample database', '1'],
      ['Sample database', '1'],
      ['Second sample', '2'],
      ['Second sample', '2'],
    ]);
  });

  it('keeps the draft and other environments to editors; a switch is recorded', async () => {
    const s = await setup('env');
    await runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: ordersDefinition(s.sample.id) }));
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'myOrders', {}))).toMatchObject({
      code: 'not_found',
      message: 'This app has not been released yet.',
    });
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'myOrders', { pageVersion: 'latest' }))).toMatchObject({ code: 'forbidden' });
    await runMutation(s.admin, (ctx) => releaseApp(ctx, { appId: s.app.id }));
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'myOrders', { environmentId: s.staging.id }))).toMatchObject({
      code: 'forbidden',
    });
    const outsider = await makeUser(s.org.orgId, { label: 'outsider' });
    expect(await rejection(runAppQuery(asUser(s.org.orgId, outsider.id), s.app.id, 'myOrders', {}))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'noSuchQuery', {}))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(runAppQuery(s.admin, s.app.id, 'noSuchQuery', { pageVersion: 'latest' }))).toMatchObject({
      code: 'not_found',
    });
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { orders2: 1 } }))).toMatchObject({
      code: 'invalid_input',
    });

    const r = await runAppQuery(s.admin, s.app.id, 'myOrders', {
      pageVersion: 'latest',
      environmentId: s.staging.id,
      values: { status: { value: 'pending' } },
    });
    expect(r.ok).toBe(true);
    const last = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN').at(-1)!;
    expect(last.metadata).toMatchObject({
      pageVersion: 'latest',
      environment: 'staging',
      request: { environmentId: s.staging.id, environmentSwitched: true, releaseVersion: null },
    });
  });

  it('refuses a request claiming another current_user (403) and records QUERY_SPOOF_BLOCKED; off, the claim stands', async () => {
    const s = await setup('spoof');
    await released(s, ordersDefinition(s.sample.id));
    const honest = await runAppQuery(s.viewer, s.app.id, 'myOrders', {
      values: { status: { value: 'shipped' } },
      current_user: { email: s.viewerUser.email },
    });
    expect(honest.ok).toBe(true);

    const before = (await auditRows(s.org.orgId)).length;
    const spoof = await rejection(
      runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { status: { value: 'shipped' } }, current_user: { email: s.org.email } }),
    );
    expect(spoof.code).toBe('forbidden');
    expect(spoof.message).toContain('email');
    const rows = await auditRows(s.org.orgId);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      actionType: 'QUERY_SPOOF_BLOCKED',
      userId: s.viewerUser.id,
      queryName: 'myOrders',
      metadata: { mismatched: ['email'] },
    });
    expect(JSON.stringify(rows.at(-1))).not.toContain(s.org.email);
    expect(
      await rejection(runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { current_user: { email: s.org.email } } })),
    ).toMatchObject({ code: 'invalid_input' });

    expect(await rejection(runMutation(s.viewer, (ctx) => setQuerySpoofingPrevention(ctx, { enabled: false })))).toMatchObject({
      code: 'forbidden',
    });
    await runMutation(s.admin, (ctx) => setQuerySpoofingPrevention(ctx, { enabled: false }));
    expect((await auditRows(s.org.orgId)).at(-1)).toMatchObject({
      actionType: 'QUERY_SPOOFING_PREVENTION_UPDATED',
      metadata: { before: true, after: false },
    });
    expect(await rejection(runMutation(s.admin, (ctx) => setQuerySpoofingPrevention(ctx, { enabled: false })))).toMatchObject({
      code: 'conflict',
    });
    const trusted = await runAppQuery(s.viewer, s.app.id, 'myOrders', {
      values: { status: { value: 'shipped' } },
      current_user: { email: s.org.email },
    });
    expect((okData(trusted) as { email: string }[])[0]!.email).toBe(s.org.email);
  });

  it('never lets a hidden parameter out: not in the audit row, the response or the error; its HMAC matches', async () => {
    const s = await setup('hidden');
    await released(s, ordersDefinition(s.sample.id));
    const planted = `hunter-${randomBytes(8).toString('hex')}`;
    const r = await runAppQuery(s.viewer, s.app.id, 'checkPassword', { values: { password: { value: planted } } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/invalid input syntax/);
    expect(JSON.stringify(r)).not.toContain(planted);
    const row = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN').at(-1)!;
    expect(JSON.stringify(row)).not.toContain(planted);
    expect(row.metadata).toMatchObject({ isError: true, statusText: 'Error', parameters: { 'password.value': { value: '[hidden]' } } });
    const { hmac } = (row.metadata as { parameters: Record<string, { hmac: string }> }).parameters['password.value']!;
    expect(matchesHiddenParameter(s.org.orgId, hmac, planted)).toBe(true);
    expect(matchesHiddenParameter(s.org.orgId, hmac, `${planted}x`)).toBe(false);
    const other = await makeOrg('hidden2');
    expect(matchesHiddenParameter(other.orgId, hmac, planted)).toBe(false);
  });

  it('keeps a 1–2 character hidden value out of database errors too, leaving the message readable', async () => {
    const s = await setup('hiddenshort');
    await released(
      s,
      ordersDefinition(s.sample.id, [
        {
          type: 'sql',
          name: 'concat',
          resourceId: s.sample.id,
          sql: "select ('x' || {{ password.value }})::int as n",
          disableLoggingFor: ['password'],
        },
        {
          type: 'sql',
          name: 'month',
          resourceId: s.sample.id,
          sql: 'select make_date(2024, {{ password.value }}::int, 1) as d',
          disableLoggingFor: ['password'],
        },
      ]),
    );
    const quoted = await runAppQuery(s.viewer, s.app.id, 'concat', { values: { password: { value: 'ab' } } });
    expect(quoted).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid input syntax for type integer: "\[redacted\]"/) });
    const bare = await runAppQuery(s.viewer, s.app.id, 'month', { values: { password: { value: '13' } } });
    expect(bare.ok).toBe(false);
    if (bare.ok) return;
    expect(bare.error).toMatch(/^date field value out of range: 2024-\[redacted\]-01/);
    const rows = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN').slice(-2);
    expect(rows.map((r) => (r.metadata as { error: string }).error)).toEqual([quoted.ok ? null : quoted.error, bare.error]);
  });

  it('caps rows at ROW_CAP on the sample without computing the rows beyond it', async () => {
    const s = await setup('cap');
    // Row ROW_CAP + 2 divides by zero: the run only succeeds if it is never produced.
    const many = `select i, 1 / (i - ${ROW_CAP + 2}) as x from generate_series(1, ${ROW_CAP * 3}) as i`;
    await released(s, ordersDefinition(s.sample.id, [{ type: 'sql', name: 'many', resourceId: s.sample.id, sql: many }]));
    const r = await runAppQuery(s.viewer, s.app.id, 'many', {});
    expect(r).toMatchObject({ ok: true, truncated: true, rowCount: null });
    const rows = okData(r) as { i: number }[];
    expect(rows).toHaveLength(ROW_CAP);
    expect(rows.at(-1)!.i).toBe(ROW_CAP);
    const row = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN').at(-1)!;
    expect(row.metadata).toMatchObject({ isError: false, request: { truncated: true } });
    const few = await runAppQuery(s.viewer, s.app.id, 'myOrders', { values: { status: { value: 'shipped' } } });
    expect(few).toMatchObject({ ok: true, truncated: false, rowCount: 1 });
  });

  it('calls a REST resource with URL-encoded path and query values and a JSON-encoded body', async () => {
    const s = await setup('rest');
    const seen: { method: string; url: string; body: string; auth: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, body, auth: req.headers.authorization });
        const status = req.url!.startsWith('/api/missing') ? 404 : 200;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const rest = await runMutation(s.admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'Local API', folderId: null }));
      const token = `tok-${randomBytes(6).toString('hex')}`;
      await runMutation(s.admin, (ctx) =>
        saveResourceConfig(
          ctx,
          saveResourceConfigInput.parse({
            type: 'rest',
            objectId: rest.id,
            environmentId: s.production.id,
            baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
            auth: 'bearer',
            bearerToken: token,
          }),
        ),
      );
      await released(s, {
        pages: [{ name: 'p', components: [{ type: 'textInput', name: 'q' }] }],
        queries: [
          {
            type: 'rest',
            name: 'get',
            resourceId: rest.id,
            method: 'GET',
            path: '/users/{{ q.value }}',
            params: [{ name: 'who', value: '{{ current_user.email }}' }],
          },
          {
            type: 'rest',
            name: 'post',
            resourceId: rest.id,
            method: 'POST',
            path: '/notes',
            body: '{"text": {{ q.value }}, "by": {{ current_user.email }}}',
          },
          { type: 'rest', name: 'missing', resourceId: rest.id, method: 'GET', path: '/missing' },
        ],
      });
      const evil = '../admin?x=1&y="2"';
      expect(okData(await runAppQuery(s.viewer, s.app.id, 'get', { values: { q: { value: evil } } }))).toEqual({ ok: true });
      expect(seen[0]).toMatchObject({
        method: 'GET',
        url: `/api/users/%2E%2E%2Fadmin%3Fx%3D1%26y%3D%222%22?who=${encodeURIComponent(s.viewerUser.email)}`,
        auth: `Bearer ${token}`,
      });
      await runAppQuery(s.viewer, s.app.id, 'post', { values: { q: { value: evil } } });
      expect(JSON.parse(seen[1]!.body)).toEqual({ text: evil, by: s.viewerUser.email });
      const failed = await runAppQuery(s.viewer, s.app.id, 'missing', {});
      expect(failed).toMatchObject({ ok: false, status: 404 });
      const rows = (await auditRows(s.org.orgId)).filter((x) => x.actionType === 'QUERY_RUN');
      expect(rows.at(-1)!.metadata).toMatchObject({ isError: true, status: 404, statusText: 'Not Found' });
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      server.close();
    }
  });

  // Needs a Postgres server to create the resource's database on; skipped (not passed) without one.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'runs on a real Postgres resource with parameters, and reports its errors without secrets',
    async () => {
      const serverUrl = process.env.TEST_DATABASE_URL!;
      const s = await setup('pg');
      const suffix = randomBytes(4).toString('hex');
      const dbName = `gatehouse_query_${suffix}`;
      const role = `gatehouse_query_${suffix}`;
      const password = `pw-${suffix}-secret`;
      const adminSql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      await adminSql.unsafe(`create role "${role}" login password '${password}'`);
      await adminSql.unsafe(`create database "${dbName}" owner "${role}"`);
      try {
        const u = new URL(serverUrl);
        const own = postgres({
          host: u.hostname,
          port: Number(u.port || 5432),
          database: dbName,
          username: role,
          password,
          max: 1,
          onnotice: () => undefined,
        });
        await own.unsafe(
          "create table people (id int primary key, email text not null); insert into people values (1, 'a@example.test'), (2, 'b@example.test')",
        );
        await own.end();
        const pg = await runMutation(s.admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'Real PG', folderId: null }));
        await runMutation(s.admin, (ctx) =>
          saveResourceConfig(
            ctx,
            saveResourceConfigInput.parse({
              type: 'postgres',
              objectId: pg.id,
              environmentId: s.production.id,
              host: u.hostname,
              port: u.port || '5432',
              database: dbName,
              user: role,
              password,
              sslMode: 'disable',
            }),
          ),
        );
        await released(s, {
          pages: [{ name: 'p', components: [{ type: 'textInput', name: 'q' }] }],
          queries: [
            {
              type: 'sql',
              name: 'find',
              resourceId: pg.id,
              sql: 'select id, email from people where email = {{ q.value }} or id = {{ Number(q.id) }} order by id',
            },
            { type: 'sql', name: 'broken', resourceId: pg.id, sql: 'select * from nowhere where x = {{ q.value }}' },
            {
              type: 'sql',
              name: 'many',
              resourceId: pg.id,
              sql: `select i, 1 / (i - ${ROW_CAP + 2}) as x from generate_series(1, ${ROW_CAP * 3}) as i`,
            },
            { type: 'sql', name: 'touch', resourceId: pg.id, sql: 'update people set email = email where id <= {{ Number(q.id) }}' },
          ],
        });
        const r = await runAppQuery(s.viewer, s.app.id, 'find', { values: { q: { value: "b@example.test' or 1=1 --", id: 1 } } });
        expect(okData(r)).toEqual([{ id: 1, email: 'a@example.test' }]);
        const failed = await runAppQuery(s.viewer, s.app.id, 'broken', { values: { q: { value: 'x' } } });
        expect(failed).toMatchObject({ ok: false });
        if (!failed.ok) expect(failed.error).toMatch(/nowhere/);
        // Row ROW_CAP + 2 divides by zero: it must never be produced (a cursor, not a full fetch).
        const many = await runAppQuery(s.viewer, s.app.id, 'many', {});
        expect(many).toMatchObject({ ok: true, truncated: true, rowCount: null });
        expect(okData(many)).toHaveLength(ROW_CAP);
        expect(await runAppQuery(s.viewer, s.app.id, 'touch', { values: { q: { id: 2 } } })).toMatchObject({
          ok: true,
          rowCount: 2,
          truncated: false,
          data: [],
        });
        expect(await runAppQuery(s.viewer, s.app.id, 'touch', { values: { q: { id: 0 } } })).toMatchObject({ ok: true, rowCount: 0 });
        // The pool is still usable after a closed cursor.
        expect(okData(await runAppQuery(s.viewer, s.app.id, 'find', { values: { q: { value: 'b@example.test', id: 0 } } }))).toEqual([
          { id: 2, email: 'b@example.test' },
        ]);
        expect(JSON.stringify(await auditRows(s.org.orgId))).not.toContain(password);
      } finally {
        await closeAllPools();
        await adminSql.unsafe(`drop database if exists "${dbName}" with (force)`);
        await adminSql.unsafe(`drop role if exists "${role}"`);
        await adminSql.end();
      }
    },
  );
});

describe('what a viewer’s browser receives and may run', () => {
  const onlyAdmins = "{{ !current_user.groups.includes('Admin') }}";
  const gatedDefinition = (resourceId: string) => ({
    pages: [
      {
        name: 'main',
        components: [
          { type: 'text', name: 'greeting', value: 'Hello {{ current_user.firstName }}' },
          { type: 'textInput', name: 'filter', label: 'Filter' },
          { type: 'table', name: 'mine', query: 'myRows' },
          { type: 'textInput', name: 'auditNote', label: 'Audit note', hidden: onlyAdmins },
          { type: 'table', name: 'salaries', query: 'salaryRows', hidden: onlyAdmins },
          { type: 'button', name: 'approve', label: 'Approve all', query: 'approveAll', disabled: onlyAdmins },
        ],
      },
    ],
    queries: [
      { type: 'sql', name: 'myRows', resourceId, sql: 'select {{ filter.value }}::text as f, {{ auditNote.value }}::text as n' },
      { type: 'sql', name: 'salaryRows', resourceId, sql: "select 'SECRET_SALARY_SQL' as s" },
      { type: 'sql', name: 'approveAll', resourceId, sql: "select 'APPROVE_SQL' as a" },
    ],
  });

  async function viewOf(s: Awaited<ReturnType<typeof setup>>, userId: string) {
    const user = await requireOrgUser(s.org.orgId, userId, getDb());
    return findReleasedAppView(s.org.orgId, s.app.id, currentUserFor(user, await loadSnapshot(s.org.orgId, userId, getDb())));
  }

  it('leaves hidden components, rules and query bodies out of the view, and refuses what the page does not run (403, DENY_QUERY_RUN)', async () => {
    const s = await setup('gated');
    await runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition: gatedDefinition(s.sample.id) }));
    await runMutation(s.admin, (ctx) => releaseApp(ctx, { appId: s.app.id }));

    const viewer = (await viewOf(s, s.viewerUser.id))!;
    expect(viewer.view.pages[0]!.components.map((c) => c.name)).toEqual(['greeting', 'filter', 'mine', 'approve']);
    expect(viewer.view.pages[0]!.components.find((c) => c.name === 'approve')).toMatchObject({ disabled: true });
    expect(viewer.view.pages[0]!.components[0]).toMatchObject({ value: { value: 'Hello viewer' } });
    // Only the query a visible, enabled component runs, with the inputs this page holds.
    expect(viewer.view.queries).toEqual([{ name: 'myRows', inputs: ['filter'] }]);
    const sent = JSON.stringify(viewer);
    for (const secret of [
      'salaries',
      'salaryRows',
      'approveAll',
      'auditNote',
      'SECRET_SALARY_SQL',
      'APPROVE_SQL',
      'select',
      'Admin',
      s.sample.id,
    ])
      expect(sent).not.toContain(secret);

    for (const [name, reason] of [
      ['salaryRows', 'hidden'],
      ['approveAll', 'disabled'],
      ['dropTables', 'not_released'],
    ] as const) {
      expect(await rejection(runAppQuery(s.viewer, s.app.id, name, {}))).toEqual({
        code: 'forbidden',
        message: 'This query is not available to you in this app.',
      });
      const denied = (await auditRows(s.org.orgId)).at(-1)!;
      expect(denied).toMatchObject({ actionType: 'DENY_QUERY_RUN', userId: s.viewerUser.id, queryName: name, pageName: 'main' });
      expect(denied.metadata).toMatchObject({ queryName: name, reason, pageVersion: '1', environment: 'production' });
    }
    // A name no query could have is refused the same way and not written to the log.
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'x\u0000y', {}))).toMatchObject({ code: 'forbidden' });
    expect((await auditRows(s.org.orgId)).at(-1)).toMatchObject({ actionType: 'DENY_QUERY_RUN', queryName: null });

    // The visible query takes only its inputs: a hidden component's value is refused by name.
    const ok = await runAppQuery(s.viewer, s.app.id, 'myRows', { values: { filter: { value: 'x' } } });
    expect(okData(ok)).toEqual([{ f: 'x', n: null }]);
    expect(await rejection(runAppQuery(s.viewer, s.app.id, 'myRows', { values: { auditNote: { value: 'y' } } }))).toEqual({
      code: 'invalid_input',
      message: 'Query "myRows" does not read "auditNote"; send only its inputs.',
    });

    // The admin's page shows and runs all of it.
    const admin = (await viewOf(s, s.org.adminId))!;
    expect(admin.view.pages[0]!.components.map((c) => [c.name, c.disabled])).toEqual([
      ['greeting', false],
      ['filter', false],
      ['mine', false],
      ['auditNote', false],
      ['salaries', false],
      ['approve', false],
    ]);
    expect(admin.view.queries).toEqual([
      { name: 'myRows', inputs: ['auditNote', 'filter'] },
      { name: 'salaryRows', inputs: [] },
      { name: 'approveAll', inputs: [] },
    ]);
    expect(okData(await runAppQuery(s.admin, s.app.id, 'salaryRows', {}))).toEqual([{ s: 'SECRET_SALARY_SQL' }]);
    expect(okData(await runAppQuery(s.admin, s.app.id, 'approveAll', {}))).toEqual([{ a: 'APPROVE_SQL' }]);
    // The editor's draft runs are not limited to the page (Edit decides them).
    expect((await runAppQuery(s.admin, s.app.id, 'myRows', { pageVersion: 'latest', values: { auditNote: { value: 'y' } } })).ok).toBe(
      true,
    );
  });

  it('refuses a hidden or disabled rule that reads anything but current_user', async () => {
    const s = await setup('rules');
    const definition = gatedDefinition(s.sample.id);
    (definition.pages[0]!.components[3] as { hidden: string }).hidden = "{{ filter.value == '' }}";
    const errors = await fieldErrorsOf(runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: s.app.id, definition })));
    expect(errors).toEqual({
      'pages[0].components[3].hidden': [
        'This rule is decided on the server for the signed-in user, so it can read only current_user, not "filter".',
      ],
    });
    // A release stored before the rule still opens; the rule it cannot decide counts as hidden.
    await getDb()
      .insert(appReleases)
      .values({ organizationId: s.org.orgId, appId: s.app.id, version: 1, definition, releasedBy: s.org.adminId });
    const admin = (await viewOf(s, s.org.adminId))!;
    expect(admin.view.pages[0]!.components.map((c) => c.name)).not.toContain('auditNote');
    expect(admin.view.queries.find((q) => q.name === 'myRows')).toEqual({ name: 'myRows', inputs: ['filter'] });
    expect(await rejection(runAppQuery(s.admin, s.app.id, 'myRows', { values: { auditNote: { value: 'y' } } }))).toMatchObject({
      code: 'invalid_input',
    });
  });
});
