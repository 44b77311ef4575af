import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { listGroups } from '@/lib/groups/reads';
import { addUsersToGroup, createGroup, setGrant } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { effectiveAccess } from '@/lib/users/reads';
import { listFolders, listVisibleObjects } from './reads';
import { createFolder, createObject, deleteFolder, deleteObject, moveToFolder, renameFolder, renameObject } from './writes';

async function setup() {
  const org = await makeOrg('obj');
  const admin = asUser(org.orgId, org.adminId);
  const editor = await makeUser(org.orgId, { label: 'editor' });
  const viewer = await makeUser(org.orgId, { label: 'viewer' });
  const editors = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Editors' }));
  const viewers = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
  await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: editors.id, userIds: [editor.id] }));
  await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [viewer.id] }));
  const ops = await runMutation(admin, (ctx) => createFolder(ctx, { kind: 'app', name: 'Ops' }));
  const sales = await runMutation(admin, (ctx) => createFolder(ctx, { kind: 'app', name: 'Sales' }));
  await runMutation(admin, (ctx) =>
    setGrant(ctx, { groupId: editors.id, objectKind: 'app', scope: 'folder', targetId: ops.id, level: 'edit' }),
  );
  await runMutation(admin, (ctx) =>
    setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'folder', targetId: ops.id, level: 'use' }),
  );
  return { org, admin, editor, viewer, editors, viewers, ops, sales };
}

describe('apps, resources and workflows in folders', () => {
  it('lets folder editors create inside their folder only, and lists what each user may use', async () => {
    const { org, admin, editor, viewer, ops, sales } = await setup();
    const asEditor = asUser(org.orgId, editor.id);
    const orders = await runMutation(asEditor, (ctx) => createObject(ctx, { kind: 'app', name: 'Orders', folderId: ops.id }));
    expect(
      await rejection(runMutation(asEditor, (ctx) => createObject(ctx, { kind: 'app', name: 'Leads', folderId: sales.id }))),
    ).toMatchObject({ code: 'forbidden' });
    expect(await rejection(runMutation(asEditor, (ctx) => createObject(ctx, { kind: 'app', name: 'Top', folderId: null })))).toMatchObject({
      code: 'forbidden',
    });
    await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Leads', folderId: sales.id }));
    await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Admin tools', folderId: null }));

    const viewerSnap = await loadSnapshot(org.orgId, viewer.id, getDb());
    const page = await listVisibleObjects(viewerSnap, 'app');
    expect(page.items.map((i) => [i.name, i.level, i.folderName])).toEqual([['Orders', 'use', 'Ops']]);
    expect((await listFolders(viewerSnap, 'app')).map((f) => f.name)).toEqual(['Ops']);
    const adminSnap = await loadSnapshot(org.orgId, org.adminId, getDb());
    expect((await listVisibleObjects(adminSnap, 'app')).items.map((i) => i.name)).toEqual(['Admin tools', 'Leads', 'Orders']);
    expect((await listVisibleObjects(adminSnap, 'resource')).items).toEqual([]);

    const access = await effectiveAccess(org.orgId, viewer.id);
    expect(access).toEqual([
      {
        id: orders.id,
        kind: 'app',
        name: 'Orders',
        level: 'use',
        because: expect.objectContaining({ kind: 'grant', group: expect.objectContaining({ name: 'Viewers' }) }),
      },
    ]);
  });

  it('pages by name with a stable cursor', async () => {
    const { org, admin } = await setup();
    for (const name of ['delta', 'Alpha', 'charlie', 'Bravo', 'echo'])
      await runMutation(admin, (ctx) => createObject(ctx, { kind: 'workflow', name, folderId: null }));
    const snap = await loadSnapshot(org.orgId, org.adminId, getDb());
    const first = await listVisibleObjects(snap, 'workflow', { limit: 2 });
    expect(first.items.map((i) => i.name)).toEqual(['Alpha', 'Bravo']);
    const second = await listVisibleObjects(snap, 'workflow', { limit: 2, cursor: first.next! });
    expect(second.items.map((i) => i.name)).toEqual(['charlie', 'delta']);
    const third = await listVisibleObjects(snap, 'workflow', { limit: 2, cursor: second.next! });
    expect(third).toMatchObject({ items: [{ name: 'echo' }], next: null });
    expect((await listVisibleObjects(snap, 'workflow', { q: 'ALP' })).items.map((i) => i.name)).toEqual(['Alpha']);
  });

  it('needs Own to rename, move or delete, and Edit where an object is moved to', async () => {
    const { org, admin, editor, ops, sales } = await setup();
    const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Payroll', folderId: ops.id }));
    const asEditor = asUser(org.orgId, editor.id);
    expect(await rejection(runMutation(asEditor, (ctx) => renameObject(ctx, { kind: 'app', objectId: app.id, name: 'X' })))).toMatchObject({
      code: 'forbidden',
      message: 'This needs own access to the app; you have edit.',
    });
    expect(await rejection(runMutation(asEditor, (ctx) => deleteObject(ctx, { kind: 'app', objectId: app.id })))).toMatchObject({
      code: 'forbidden',
    });

    await runMutation(admin, (ctx) => renameObject(ctx, { kind: 'app', objectId: app.id, name: 'Payroll v2' }));
    await runMutation(admin, (ctx) => moveToFolder(ctx, { kind: 'app', objectId: app.id, folderId: sales.id }));
    expect(await rejection(runMutation(admin, (ctx) => deleteFolder(ctx, { kind: 'app', folderId: sales.id })))).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('not empty'),
    });
    await runMutation(admin, (ctx) => moveToFolder(ctx, { kind: 'app', objectId: app.id, folderId: null }));
    await runMutation(admin, (ctx) => renameFolder(ctx, { kind: 'app', folderId: sales.id, name: 'Revenue' }));
    await runMutation(admin, (ctx) => deleteFolder(ctx, { kind: 'app', folderId: sales.id }));
    await runMutation(admin, (ctx) => deleteObject(ctx, { kind: 'app', objectId: app.id }));

    const types = (await auditRows(org.orgId)).map((e) => e.actionType);
    expect(types).toEqual(
      expect.arrayContaining([
        'CREATE_FOLDER',
        'CREATE_APP',
        'RENAME_APP',
        'MOVE_TO_FOLDER',
        'RENAME_FOLDER',
        'DELETE_FOLDER',
        'DELETE_APP',
      ]),
    );
    const move = (await auditRows(org.orgId)).find((e) => e.actionType === 'MOVE_TO_FOLDER')!;
    expect(move.metadata).toMatchObject({ objectId: app.id, fromFolderId: ops.id, toFolderId: sales.id });
  });

  it('deleting a folder removes the grants on it; names are unique per kind, case-insensitively', async () => {
    const { org, admin, editors, viewers } = await setup();
    const tmp = await runMutation(admin, (ctx) => createFolder(ctx, { kind: 'resource', name: 'Tmp' }));
    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: editors.id, objectKind: 'resource', scope: 'folder', targetId: tmp.id, level: 'own' }),
    );
    expect((await listGroups(org.orgId)).find((g) => g.id === editors.id)).toMatchObject({ members: 1, grants: 2 });
    await runMutation(admin, (ctx) => deleteFolder(ctx, { kind: 'resource', folderId: tmp.id }));
    expect((await listGroups(org.orgId)).find((g) => g.id === editors.id)).toMatchObject({ grants: 1 });
    expect((await listGroups(org.orgId)).find((g) => g.id === viewers.id)).toMatchObject({ members: 1, grants: 1 });

    await runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'Warehouse', folderId: null }));
    expect(
      await rejection(runMutation(admin, (ctx) => createObject(ctx, { kind: 'resource', name: 'WAREHOUSE', folderId: null }))),
    ).toMatchObject({ code: 'conflict' });
    await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Warehouse', folderId: null }));
  });

  it('answers not found for another organization’s objects and folders', async () => {
    const a = await setup();
    const b = await makeOrg('objb');
    const theirs = await runMutation(asUser(b.orgId, b.adminId), (ctx) =>
      createObject(ctx, { kind: 'app', name: 'Secret', folderId: null }),
    );
    expect(await rejection(runMutation(a.admin, (ctx) => deleteObject(ctx, { kind: 'app', objectId: theirs.id })))).toMatchObject({
      code: 'not_found',
    });
    expect(
      await rejection(
        runMutation(asUser(b.orgId, b.adminId), (ctx) => createObject(ctx, { kind: 'app', name: 'Sneaky', folderId: a.ops.id })),
      ),
    ).toMatchObject({ code: 'not_found' });
  });
});
