// Apps moving between organizations against a real database: an app exported from one
// organization (with a library query, a REST resource holding a secret, and releases) imports into
// another that has resources of the same names and runs there; unresolved names are listed and
// nothing is written; bad documents are refused by path; only owners export.
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { appDrafts, appReleases, objects } from '@/db/schema';
import { listEnvironments } from '@/lib/environments/reads';
import { addUsersToGroup, createGroup, setGrant, updateGroup } from '@/lib/groups/writes';
import { createObject } from '@/lib/objects/writes';
import { createLibraryQuery } from '@/lib/query-library/writes';
import { createLibraryQueryInput } from '@/lib/query-library/inputs';
import { createSampleResource, saveResourceConfig } from '@/lib/resources/configs';
import { saveResourceConfigInput } from '@/lib/resources/inputs';
import { closeAllPools } from '@/lib/resources/pools';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection, type TestOrg } from '@/lib/test/helpers';
import { findAppDraft, listAppReleases } from './reads';
import { runAppQuery } from './run-query';
import { exportApp, importApp } from './transfer';
import { releaseApp, saveAppDraft } from './writes';

afterAll(async () => {
  await closeAllPools();
});

const BEARER = 'bearer-secret-7f3a9c';
const BASE_URL = 'https://orders-api.internal.example';

/** A REST resource configured in production with a bearer token and a header. */
async function restResource(org: TestOrg, name: string) {
  const admin = asUser(org.orgId, org.adminId);
  const { id } = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name, folderId: null }));
  const production = (await listEnvironments(org.orgId)).find((e) => e.isDefault)!;
  await runMutation(admin, (ctx) =>
    saveResourceConfig(
      ctx,
      saveResourceConfigInput.parse({
        type: 'rest',
        objectId: id,
        environmentId: production.id,
        baseUrl: BASE_URL,
        headers: 'X-Tenant: tenant-config-value',
        auth: 'bearer',
        bearerToken: BEARER,
      }),
    ),
  );
  return { id };
}

const definition = (sampleId: string, restId: string, libraryQueryId: string) => ({
  pages: [
    {
      name: 'main',
      components: [
        { type: 'text', name: 'hello', value: 'Hi {{ current_user.firstName }}', hidden: '{{ !current_user.email }}' },
        { type: 'table', name: 'ordersTable', query: 'myOrders' },
        { type: 'table', name: 'shipmentsTable', query: 'shipments' },
        { type: 'table', name: 'libraryTable', query: 'libraryCount' },
      ],
    },
  ],
  queries: [
    {
      type: 'sql',
      name: 'myOrders',
      resourceId: sampleId,
      sql: 'select {{ current_user.email }}::text as email, count(*)::int as n from orders',
    },
    { type: 'rest', name: 'shipments', resourceId: restId, method: 'GET', path: '/shipments', params: [{ name: 'limit', value: '5' }] },
    { type: 'library', name: 'libraryCount', libraryQueryId, version: 1 },
  ],
});

/** Org A: the sample, a REST resource, a library query on the sample, and an app with two releases and a newer draft. */
async function source() {
  const org = await makeOrg('xfera');
  const admin = asUser(org.orgId, org.adminId);
  const sample = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
  const rest = await restResource(org, 'Orders API');
  const library = await runMutation(admin, (ctx) =>
    createLibraryQuery(
      ctx,
      createLibraryQueryInput.parse({
        name: 'Order count',
        resourceId: sample.id,
        type: 'sql',
        sql: 'select count(*)::int as orders from orders',
      }),
    ),
  );
  const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Orders', folderId: null }));
  const def = definition(sample.id, rest.id, library.id);
  await runMutation(admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition: def }));
  await runMutation(admin, (ctx) => releaseApp(ctx, { appId: app.id }));
  await runMutation(admin, (ctx) => releaseApp(ctx, { appId: app.id }));
  const draft = {
    ...def,
    pages: [{ ...def.pages[0]!, components: [...def.pages[0]!.components, { type: 'text', name: 'v3', value: 'draft' }] }],
  };
  await runMutation(admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition: draft }));
  return { org, admin, sample, rest, library, app };
}

/** The field errors of an invalid_input refusal, with its message and details (or fails the test). */
async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError && e.code === 'invalid_input')
      return { message: e.message, fieldErrors: e.meta.fieldErrors ?? {}, details: e.meta.details };
    throw e;
  }
  throw new Error('expected invalid_input');
}

async function appCount(orgId: string) {
  return (await getDb().select({ id: objects.id }).from(objects).where(eq(objects.organizationId, orgId))).filter(Boolean).length;
}

describe('app export and import', () => {
  it('exports an app with no id, secret or configuration in it, and it runs in another organization with resources of the same names', async () => {
    const a = await source();
    const doc = await runMutation(a.admin, (ctx) => exportApp(ctx, { appId: a.app.id, releases: true }));
    expect(doc).toMatchObject({ format: 'gatehouse.app', version: 1, app: { name: 'Orders' } });
    expect(doc.resources).toEqual([
      { name: 'Orders API', type: 'rest' },
      { name: 'Sample database', type: 'sql' },
    ]);
    expect(doc.definition.queries).toEqual([
      {
        type: 'sql',
        name: 'myOrders',
        resource: 'Sample database',
        sql: 'select {{ current_user.email }}::text as email, count(*)::int as n from orders',
        disableLoggingFor: [],
      },
      {
        type: 'rest',
        name: 'shipments',
        resource: 'Orders API',
        method: 'GET',
        path: '/shipments',
        params: [{ name: 'limit', value: '5' }],
        disableLoggingFor: [],
      },
      {
        type: 'sql',
        name: 'libraryCount',
        resource: 'Sample database',
        sql: 'select count(*)::int as orders from orders',
        disableLoggingFor: [],
        library: { name: 'Order count', version: 1 },
      },
    ]);
    expect(doc.releases?.map((r) => r.version)).toEqual([1, 2]);
    const text = JSON.stringify(doc);
    for (const leak of [
      a.org.orgId,
      a.org.adminId,
      a.org.email,
      a.app.id,
      a.sample.id,
      a.rest.id,
      a.library.id,
      BEARER,
      BASE_URL,
      'tenant-config-value',
      'orders-api',
    ])
      expect(text).not.toContain(leak);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect((await auditRows(a.org.orgId)).at(-1)).toMatchObject({
      actionType: 'EXPORT_APP',
      userId: a.org.adminId,
      metadata: { objectId: a.app.id, name: 'Orders', releases: 2, resources: ['Orders API', 'Sample database'], libraryQueries: 1 },
    });

    // Org B names its resources the same (in another letter case) and has no library query.
    const b = await makeOrg('xferb');
    const bAdmin = asUser(b.orgId, b.adminId);
    const sampleB = await runMutation(bAdmin, (ctx) => createSampleResource(ctx, { name: 'SAMPLE DATABASE' }));
    const restB = await restResource(b, 'orders api');
    const result = await runMutation(bAdmin, (ctx) => importApp(ctx, { document: JSON.parse(text), release: true, history: true }));
    expect(result).toEqual({
      appId: expect.any(String),
      name: 'Orders',
      created: true,
      releasedVersion: 3,
      importedReleases: [1, 2],
      resources: [
        { name: 'SAMPLE DATABASE', resourceId: sampleB.id },
        { name: 'orders api', resourceId: restB.id },
      ],
    });
    expect((await listAppReleases(b.orgId, result.appId)).map((r) => r.version)).toEqual([3, 2, 1]);
    const draftB = (await findAppDraft(b.orgId, result.appId))!.definition as { queries: Record<string, unknown>[] };
    expect(draftB.queries.map((q) => [q.name, q.type, q.resourceId])).toEqual([
      ['myOrders', 'sql', sampleB.id],
      ['shipments', 'rest', restB.id],
      ['libraryCount', 'sql', sampleB.id],
    ]);
    expect(draftB.queries.filter((q) => 'library' in q || 'libraryQueryId' in q || 'resource' in q)).toEqual([]);

    // A viewer of org B runs the imported release, as themselves, on org B's sample.
    const vera = await makeUser(b.orgId, { label: 'vera' });
    const viewers = await runMutation(bAdmin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
    await runMutation(bAdmin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [vera.id] }));
    await runMutation(bAdmin, (ctx) =>
      setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: result.appId, level: 'use' }),
    );
    const run = await runAppQuery(asUser(b.orgId, vera.id), result.appId, 'myOrders', {});
    expect(run).toMatchObject({ ok: true, data: [{ email: vera.email, n: expect.any(Number) }] });
    expect(await runAppQuery(asUser(b.orgId, vera.id), result.appId, 'libraryCount', {})).toMatchObject({
      ok: true,
      data: [{ orders: expect.any(Number) }],
    });
    const bEvents = (await auditRows(b.orgId)).filter((r) =>
      ['CREATE_APP', 'APP_DRAFT_SAVED', 'APP_RELEASED', 'IMPORT_APP', 'QUERY_RUN'].includes(r.actionType),
    );
    expect(bEvents.map((r) => r.actionType)).toEqual([
      'CREATE_APP',
      'APP_DRAFT_SAVED',
      'APP_RELEASED',
      'IMPORT_APP',
      'QUERY_RUN',
      'QUERY_RUN',
    ]);
    expect(bEvents[3]).toMatchObject({
      userId: b.adminId,
      metadata: {
        objectId: result.appId,
        name: 'Orders',
        created: true,
        sourceName: 'Orders',
        exportedAt: doc.exportedAt,
        releasedVersion: 3,
        importedReleases: [1, 2],
        resources: result.resources,
      },
    });
    expect(bEvents[4]).toMatchObject({
      resourceName: 'SAMPLE DATABASE',
      metadata: { request: { appId: result.appId, releaseVersion: 3 } },
    });

    // Into the existing app as a new draft (Edit is enough); release history only into a new app.
    const again = await runMutation(bAdmin, (ctx) => importApp(ctx, { document: doc, appId: result.appId }));
    expect(again).toMatchObject({ appId: result.appId, created: false, releasedVersion: null, importedReleases: [] });
    expect(
      await refusal(runMutation(bAdmin, (ctx) => importApp(ctx, { document: doc, appId: result.appId, history: true }))),
    ).toMatchObject({
      fieldErrors: { history: ['Release history can be imported only into a new app.'] },
    });
    // The same name again needs another name.
    expect(await rejection(runMutation(bAdmin, (ctx) => importApp(ctx, { document: doc })))).toEqual({
      code: 'conflict',
      message: 'There is already an app named "Orders". Choose another name for the import.',
    });
    expect(await runMutation(bAdmin, (ctx) => importApp(ctx, { document: doc, name: 'Orders copy' }))).toMatchObject({
      name: 'Orders copy',
    });
  });

  it('lists every resource it cannot map, by the document path, and writes nothing', async () => {
    const a = await source();
    const doc = await runMutation(a.admin, (ctx) => exportApp(ctx, { appId: a.app.id }));
    expect(doc).not.toHaveProperty('releases');
    const c = await makeOrg('xferc');
    const cAdmin = asUser(c.orgId, c.adminId);
    // "Sample database" exists here but is a REST API; "Orders API" does not exist.
    await restResource(c, 'Sample database');
    const objectsBefore = await appCount(c.orgId);
    const eventsBefore = (await auditRows(c.orgId)).length;
    const refused = await refusal(runMutation(cAdmin, (ctx) => importApp(ctx, { document: doc, release: true })));
    expect(refused.message).toBe(
      '2 resources the app needs cannot be found in this organization: "Sample database", "Orders API". Nothing was imported.',
    );
    expect(refused.fieldErrors).toEqual({
      'resources[1]': [
        '"Sample database" is a REST API here, but the app\'s queries expect a SQL database. Used by myOrders, libraryCount.',
      ],
      'resources[0]': ['No resource named "Orders API" that you may use in this organization. Used by shipments.'],
    });
    expect(refused.details).toEqual({
      unresolved: [
        { name: 'Sample database', type: 'sql', usedBy: ['myOrders', 'libraryCount'], reason: expect.any(String) },
        { name: 'Orders API', type: 'rest', usedBy: ['shipments'], reason: expect.any(String) },
      ],
    });
    expect(await appCount(c.orgId)).toBe(objectsBefore);
    expect(await auditRows(c.orgId)).toHaveLength(eventsBefore);

    // A resource the importer may not use counts as missing, in the same words.
    const builder = await makeUser(c.orgId, { label: 'builder' });
    const builders = await runMutation(cAdmin, (ctx) => createGroup(ctx, { name: 'Builders' }));
    await runMutation(cAdmin, (ctx) => addUsersToGroup(ctx, { groupId: builders.id, userIds: [builder.id] }));
    await runMutation(cAdmin, (ctx) =>
      setGrant(ctx, { groupId: builders.id, objectKind: 'app', scope: 'kind', targetId: null, level: 'edit' }),
    );
    await runMutation(cAdmin, (ctx) => createSampleResource(ctx, { name: 'Warehouse' }));
    await restResource(c, 'Orders API');
    const onlyOrders = { ...doc, resources: doc.resources.filter((r) => r.name === 'Orders API') };
    onlyOrders.definition = {
      ...doc.definition,
      pages: [{ name: 'main', components: [{ type: 'table', name: 'shipmentsTable', query: 'shipments' }] }],
      queries: (doc.definition.queries as { name: string }[]).filter((q) => q.name === 'shipments'),
    };
    expect(await refusal(runMutation(asUser(c.orgId, builder.id), (ctx) => importApp(ctx, { document: onlyOrders })))).toMatchObject({
      fieldErrors: { 'resources[0]': ['No resource named "Orders API" that you may use in this organization. Used by shipments.'] },
    });
    await runMutation(cAdmin, (ctx) =>
      setGrant(ctx, { groupId: builders.id, objectKind: 'resource', scope: 'kind', targetId: null, level: 'use' }),
    );
    expect(await runMutation(asUser(c.orgId, builder.id), (ctx) => importApp(ctx, { document: onlyOrders }))).toMatchObject({
      created: true,
      resources: [{ name: 'Orders API' }],
    });
  });

  it('refuses a malformed or tampered document with its path, changing nothing', async () => {
    const a = await source();
    const doc = await runMutation(a.admin, (ctx) => exportApp(ctx, { appId: a.app.id }));
    const [first, ...rest] = doc.definition.queries as Record<string, unknown>[];
    const tampered = { ...doc, definition: { ...doc.definition, queries: [{ ...first, resourceId: a.sample.id }, ...rest] } };
    const before = (await auditRows(a.org.orgId)).length;
    expect((await refusal(runMutation(a.admin, (ctx) => importApp(ctx, { document: tampered, name: 'Tampered' })))).fieldErrors).toEqual({
      'definition.queries[0].resourceId': ['A document names resources by name ("resource"), never by id.'],
    });
    expect(
      (await refusal(runMutation(a.admin, (ctx) => importApp(ctx, { document: { ...doc, version: 7 }, name: 'Future' })))).message,
    ).toBe(
      'The document cannot be imported: version: This document is format version 7; this Gatehouse reads version 1. Import it into a newer Gatehouse.',
    );
    const badSql = { ...doc, definition: { ...doc.definition, queries: [{ ...first, sql: "select '{{ x }}'" }, ...rest] } };
    expect((await refusal(runMutation(a.admin, (ctx) => importApp(ctx, { document: badSql, name: 'Bad' })))).fieldErrors).toMatchObject({
      'definition.queries[0].sql': [expect.stringMatching(/quoted string/)],
    });
    expect(await auditRows(a.org.orgId)).toHaveLength(before);
    expect(await getDb().select().from(objects).where(eq(objects.organizationId, a.org.orgId))).not.toContainEqual(
      expect.objectContaining({ name: 'Bad' }),
    );
  });

  it('lets only owners export (and those who may read the library, when it is used); importing needs the right to create there', async () => {
    const a = await source();
    const member = async (label: string, level: 'use' | 'edit' | 'own', library: 'none' | 'view') => {
      const user = await makeUser(a.org.orgId, { label });
      const group = await runMutation(a.admin, (ctx) => createGroup(ctx, { name: label }));
      await runMutation(a.admin, (ctx) => addUsersToGroup(ctx, { groupId: group.id, userIds: [user.id] }));
      await runMutation(a.admin, (ctx) =>
        setGrant(ctx, { groupId: group.id, objectKind: 'app', scope: 'object', targetId: a.app.id, level }),
      );
      await runMutation(a.admin, (ctx) =>
        updateGroup(ctx, { groupId: group.id, name: label, queryLibraryAccess: library, auditLogAccess: false, homepageAppId: null }),
      );
      return asUser(a.org.orgId, user.id);
    };
    const user = await member('Users', 'use', 'view');
    const editor = await member('Editors', 'edit', 'view');
    const ownerNoLibrary = await member('Owners', 'own', 'none');
    const owner = await member('LibraryOwners', 'own', 'view');
    expect(await rejection(runMutation(user, (ctx) => exportApp(ctx, { appId: a.app.id })))).toEqual({
      code: 'forbidden',
      message: 'This needs own access to the app; you have use.',
    });
    expect(await rejection(runMutation(editor, (ctx) => exportApp(ctx, { appId: a.app.id })))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(runMutation(ownerNoLibrary, (ctx) => exportApp(ctx, { appId: a.app.id })))).toEqual({
      code: 'forbidden',
      message: 'None of your groups may view the query library.',
    });
    const doc = await runMutation(owner, (ctx) => exportApp(ctx, { appId: a.app.id }));
    expect(doc.app.name).toBe('Orders');

    // Another organization's app is not found; a user who may create no app learns nothing of resources.
    const other = await makeOrg('xferd');
    expect(await rejection(runMutation(asUser(other.orgId, other.adminId), (ctx) => exportApp(ctx, { appId: a.app.id })))).toEqual({
      code: 'not_found',
      message: 'No such app.',
    });
    const nobody = await makeUser(other.orgId, { label: 'nobody' });
    expect(await rejection(runMutation(asUser(other.orgId, nobody.id), (ctx) => importApp(ctx, { document: doc })))).toMatchObject({
      code: 'forbidden',
    });
    expect(await rejection(runMutation(user, (ctx) => importApp(ctx, { document: doc, appId: a.app.id })))).toMatchObject({
      code: 'forbidden',
    });
    // An app with no draft has nothing to export.
    const empty = await runMutation(a.admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Empty', folderId: null }));
    expect(await rejection(runMutation(a.admin, (ctx) => exportApp(ctx, { appId: empty.id })))).toEqual({
      code: 'conflict',
      message: 'Empty has nothing to export yet: save a draft in the editor first.',
    });
    expect(await getDb().select().from(appDrafts).where(eq(appDrafts.appId, empty.id))).toEqual([]);
    expect(await getDb().select().from(appReleases).where(eq(appReleases.appId, empty.id))).toEqual([]);
  });
});
