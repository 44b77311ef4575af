// The query library against a real database: access follows the groups' query-library setting
// (deny by default), edits make versions, and an app pinned to a version runs it through
// runAppQuery with the viewer's own current_user.
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { runAppQuery } from '@/lib/apps/run-query';
import { releaseApp, saveAppDraft } from '@/lib/apps/writes';
import { addUsersToGroup, createGroup, setGrant, updateGroup } from '@/lib/groups/writes';
import { createObject } from '@/lib/objects/writes';
import { createSampleResource } from '@/lib/resources/configs';
import { closeAllPools } from '@/lib/resources/pools';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { createLibraryQueryInput, updateLibraryQueryInput } from './inputs';
import { getLibraryQuery, listLibraryQueries } from './reads';
import { createLibraryQuery, deleteLibraryQuery, updateLibraryQuery } from './writes';

afterAll(async () => {
  await closeAllPools();
});

async function setup(label: string) {
  const org = await makeOrg(label);
  const admin = asUser(org.orgId, org.adminId);
  const sample = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
  /** A user in a group of their own with the given query-library access and Use on every resource. */
  const member = async (name: string, access: 'none' | 'view' | 'edit') => {
    const user = await makeUser(org.orgId, { label: name });
    const group = await runMutation(admin, (ctx) => createGroup(ctx, { name }));
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: group.id, userIds: [user.id] }));
    await runMutation(admin, (ctx) =>
      updateGroup(ctx, { groupId: group.id, name, queryLibraryAccess: access, auditLogAccess: false, homepageAppId: null }),
    );
    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: group.id, objectKind: 'resource', scope: 'kind', targetId: null, level: 'use' }),
    );
    return { user, group, init: asUser(org.orgId, user.id), snapshot: () => loadSnapshot(org.orgId, user.id, getDb()) };
  };
  return { org, admin, sample, member };
}

const mineSql = (resourceId: string, extra: Record<string, unknown> = {}) =>
  createLibraryQueryInput.parse({
    name: 'My orders',
    description: 'Orders of the signed-in user',
    resourceId,
    type: 'sql',
    sql: 'select {{ current_user.email }}::text as email',
    ...extra,
  });

describe('query library access', () => {
  it('denies by default; view reads, edit writes; every change is audited', async () => {
    const s = await setup('qlaccess');
    const none = await s.member('NoLibrary', 'none');
    const viewer = await s.member('LibraryViewers', 'view');
    const editor = await s.member('LibraryEditors', 'edit');

    expect(await rejection(listLibraryQueries(await none.snapshot()))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(runMutation(none.init, (ctx) => createLibraryQuery(ctx, mineSql(s.sample.id))))).toMatchObject({
      code: 'forbidden',
    });
    expect(await rejection(runMutation(viewer.init, (ctx) => createLibraryQuery(ctx, mineSql(s.sample.id))))).toMatchObject({
      code: 'forbidden',
    });

    const created = await runMutation(editor.init, (ctx) => createLibraryQuery(ctx, mineSql(s.sample.id)));
    expect(created.version).toBe(1);
    expect(await listLibraryQueries(await viewer.snapshot())).toEqual([
      expect.objectContaining({ id: created.id, name: 'My orders', latestVersion: 1, type: 'sql', resourceName: 'Sample database' }),
    ]);
    expect(await rejection(getLibraryQuery(await none.snapshot(), created.id))).toMatchObject({ code: 'forbidden' });
    const update = (extra: Record<string, unknown>) =>
      updateLibraryQueryInput.parse({
        libraryQueryId: created.id,
        name: 'My orders',
        description: 'Orders of the signed-in user',
        resourceId: s.sample.id,
        type: 'sql',
        sql: 'select {{ current_user.email }}::text as email',
        ...extra,
      });
    expect(await rejection(runMutation(viewer.init, (ctx) => updateLibraryQuery(ctx, update({ name: 'Mine' }))))).toMatchObject({
      code: 'forbidden',
    });
    expect(await rejection(runMutation(viewer.init, (ctx) => deleteLibraryQuery(ctx, { libraryQueryId: created.id })))).toMatchObject({
      code: 'forbidden',
    });

    expect(await runMutation(editor.init, (ctx) => updateLibraryQuery(ctx, update({ description: 'Renamed only' })))).toEqual({
      version: 1,
      changed: ['description'],
    });
    expect(
      await runMutation(editor.init, (ctx) =>
        updateLibraryQuery(ctx, update({ description: 'Renamed only', sql: "select {{ current_user.email }}::text as email, 'v2' as v" })),
      ),
    ).toEqual({ version: 2, changed: ['query'] });
    expect(
      await rejection(
        runMutation(editor.init, (ctx) =>
          updateLibraryQuery(
            ctx,
            update({ description: 'Renamed only', sql: "select {{ current_user.email }}::text as email, 'v2' as v" }),
          ),
        ),
      ),
    ).toMatchObject({ code: 'conflict', message: 'Nothing changed.' });
    const detail = await getLibraryQuery(await viewer.snapshot(), created.id);
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);

    // Bad input names the field; another organization's resource or query is not found.
    const bad = await runMutation(editor.init, (ctx) =>
      createLibraryQuery(ctx, mineSql(s.sample.id, { name: 'Bad', sql: "select '{{ x }}'" })),
    ).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'invalid_input', meta: { fieldErrors: { sql: [expect.stringMatching(/quoted string/)] } } });
    const dup = await runMutation(editor.init, (ctx) => createLibraryQuery(ctx, mineSql(s.sample.id, { name: 'my ORDERS' }))).catch(
      (e: unknown) => e,
    );
    expect(dup).toMatchObject({ code: 'conflict', meta: { fieldErrors: { name: ['There is already a library query with that name.'] } } });
    const other = await makeOrg('qlother');
    const theirs = await runMutation(asUser(other.orgId, other.adminId), (ctx) => createSampleResource(ctx, { name: 'Theirs' }));
    const foreign = await runMutation(editor.init, (ctx) => createLibraryQuery(ctx, mineSql(theirs.id, { name: 'Foreign' }))).catch(
      (e: unknown) => e,
    );
    expect(foreign).toMatchObject({
      code: 'invalid_input',
      meta: { fieldErrors: { resourceId: ['Choose a resource of this organization.'] } },
    });
    expect(await rejection(getLibraryQuery(await loadSnapshot(other.orgId, other.adminId, getDb()), created.id))).toMatchObject({
      code: 'not_found',
    });
    expect(
      await rejection(runMutation(asUser(other.orgId, other.adminId), (ctx) => deleteLibraryQuery(ctx, { libraryQueryId: created.id }))),
    ).toMatchObject({ code: 'not_found' });

    await runMutation(editor.init, (ctx) => deleteLibraryQuery(ctx, { libraryQueryId: created.id }));
    expect(await listLibraryQueries(await viewer.snapshot())).toEqual([]);
    const events = (await auditRows(s.org.orgId)).filter((r) => r.actionType.endsWith('LIBRARY_QUERY'));
    expect(events.map((r) => [r.actionType, r.userId])).toEqual([
      ['CREATE_LIBRARY_QUERY', editor.user.id],
      ['UPDATE_LIBRARY_QUERY', editor.user.id],
      ['UPDATE_LIBRARY_QUERY', editor.user.id],
      ['DELETE_LIBRARY_QUERY', editor.user.id],
    ]);
    expect(events[0]!.metadata).toEqual({
      libraryQueryId: created.id,
      name: 'My orders',
      version: 1,
      resourceId: s.sample.id,
      type: 'sql',
    });
    expect(events[3]!.metadata).toEqual({ libraryQueryId: created.id, name: 'My orders', versions: 2 });
  });
});

describe('apps using library queries', () => {
  it("runs the pinned version through runAppQuery with the viewer's current_user, spoofing refused, hidden values hidden", async () => {
    const s = await setup('qlapp');
    const lib = await runMutation(s.admin, (ctx) =>
      createLibraryQuery(
        ctx,
        mineSql(s.sample.id, {
          sql: 'select {{ current_user.email }}::text as email, length({{ pin.value }}) as n',
          disableLoggingFor: 'pin',
        }),
      ),
    );
    const app = await runMutation(s.admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Library app', folderId: null }));
    const definition = (version: number) => ({
      pages: [
        {
          name: 'main',
          components: [
            { type: 'textInput', name: 'pin' },
            { type: 'table', name: 't', query: 'mine' },
          ],
        },
      ],
      queries: [{ type: 'library', name: 'mine', libraryQueryId: lib.id, version }],
    });
    // An editor without query-library access cannot build on it.
    const builder = await s.member('Builders', 'none');
    await runMutation(s.admin, (ctx) =>
      setGrant(ctx, { groupId: builder.group.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'edit' }),
    );
    expect(
      await rejection(runMutation(builder.init, (ctx) => saveAppDraft(ctx, { appId: app.id, definition: definition(1) }))),
    ).toMatchObject({ code: 'forbidden' });
    const missing = await runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition: definition(9) })).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ code: 'invalid_input', meta: { fieldErrors: { 'queries[0].version': [expect.any(String)] } } });
    await runMutation(s.admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition: definition(1) }));
    await runMutation(s.admin, (ctx) => releaseApp(ctx, { appId: app.id }));

    // Viewers need Use on the app only, not query-library access.
    const viewers = await runMutation(s.admin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
    const [alice, bob] = [await makeUser(s.org.orgId, { label: 'alice' }), await makeUser(s.org.orgId, { label: 'bob' })];
    await runMutation(s.admin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [alice.id, bob.id] }));
    await runMutation(s.admin, (ctx) =>
      setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'use' }),
    );
    for (const u of [alice, bob]) {
      const r = await runAppQuery(asUser(s.org.orgId, u.id), app.id, 'mine', { values: { pin: { value: 'secret-pin-1' } } });
      expect(r).toMatchObject({ ok: true, data: [{ email: u.email, n: 12 }] });
    }
    expect(
      await rejection(runAppQuery(asUser(s.org.orgId, alice.id), app.id, 'mine', { current_user: { email: bob.email } })),
    ).toMatchObject({ code: 'forbidden' });

    // A new library version does not change what the release runs.
    await runMutation(s.admin, (ctx) =>
      updateLibraryQuery(
        ctx,
        updateLibraryQueryInput.parse({
          libraryQueryId: lib.id,
          name: 'My orders',
          resourceId: s.sample.id,
          type: 'sql',
          sql: "select 'v2' as email",
        }),
      ),
    );
    expect(await runAppQuery(asUser(s.org.orgId, alice.id), app.id, 'mine', { values: { pin: { value: 'x' } } })).toMatchObject({
      ok: true,
      data: [{ email: alice.email }],
    });

    const runs = (await auditRows(s.org.orgId)).filter((r) => r.actionType === 'QUERY_RUN');
    expect(runs[0]).toMatchObject({
      userId: alice.id,
      queryName: 'mine',
      resourceName: 'Sample database',
      metadata: {
        query: { type: 'sql', libraryQueryId: lib.id, libraryVersion: 1, disableLoggingFor: ['pin'] },
        parameters: { 'current_user.email': alice.email, 'pin.value': { value: '[hidden]' } },
      },
    });
    expect(JSON.stringify(runs)).not.toContain('secret-pin-1');
    expect((await auditRows(s.org.orgId)).filter((r) => r.actionType === 'QUERY_SPOOF_BLOCKED')).toHaveLength(1);

    // Deleted from the library: the app says so instead of running something else.
    await runMutation(s.admin, (ctx) => deleteLibraryQuery(ctx, { libraryQueryId: lib.id }));
    expect(await rejection(runAppQuery(asUser(s.org.orgId, bob.id), app.id, 'mine', {}))).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('no longer exists'),
    });
  });
});
