import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { permissionGroups } from '@/db/schema';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { can } from '@/lib/authz/can';
import { createObject, createFolder } from '@/lib/objects/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { getGroupDetail, listGroups } from './reads';
import {
  addUsersToGroup,
  createGroup,
  deleteGroup,
  removeGrant,
  removeUsersFromGroup,
  setGrant,
  setGroupAdmin,
  updateGroup,
} from './writes';

async function builtin(orgId: string, which: 'admin' | 'all_users') {
  const all = await getDb().select().from(permissionGroups).where(eq(permissionGroups.organizationId, orgId));
  return all.find((x) => x.builtin === which)!;
}

describe('permission groups', () => {
  it('lets admins create, configure, fill and delete a group, auditing each step with before/after', async () => {
    const org = await makeOrg('grp');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const admin = asUser(org.orgId, org.adminId);
    const { id } = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Support' }));
    await runMutation(admin, (ctx) =>
      updateGroup(ctx, { groupId: id, name: 'Support team', queryLibraryAccess: 'view', auditLogAccess: true, homepageAppId: null }),
    );
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: id, userIds: [bob.id] }));

    const detail = await getGroupDetail(org.orgId, id);
    expect(detail).toMatchObject({ name: 'Support team', queryLibraryAccess: 'view', auditLogAccess: true, members: 1 });
    expect(detail!.memberList.map((m) => m.userId)).toEqual([bob.id]);
    const snapshot = await loadSnapshot(org.orgId, bob.id, getDb());
    expect(can(snapshot, 'view', { kind: 'org', area: 'audit_log' }).allowed).toBe(true);

    expect(await rejection(runMutation(admin, (ctx) => createGroup(ctx, { name: 'support TEAM' })))).toMatchObject({ code: 'conflict' });
    await runMutation(admin, (ctx) => deleteGroup(ctx, { groupId: id }));
    expect((await listGroups(org.orgId)).map((g) => g.name)).toEqual(['Admin', 'All Users']);

    const events = (await auditRows(org.orgId)).map((e) => e.actionType);
    expect(events).toEqual(expect.arrayContaining(['CREATE_GROUP', 'UPDATE_GROUP', 'ADD_USERS_TO_GROUP', 'DELETE_GROUP']));
    const update = (await auditRows(org.orgId)).find((e) => e.actionType === 'UPDATE_GROUP')!;
    expect(update.metadata).toMatchObject({
      before: { name: 'Support', auditLogAccess: false },
      after: { name: 'Support team', auditLogAccess: true },
    });
  });

  it('reads one group’s detail: its own counts, All Users counting everyone, nothing for a foreign or malformed id', async () => {
    const org = await makeOrg('detail');
    const other = await makeOrg('detail2');
    await makeUser(org.orgId, { label: 'ann' });
    const admin = asUser(org.orgId, org.adminId);
    const { id } = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Ops' }));
    await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Ops 2' }));
    expect(await getGroupDetail(org.orgId, id)).toMatchObject({
      id,
      name: 'Ops',
      builtin: null,
      members: 0,
      grants: 0,
      memberList: [],
      grantList: [],
    });
    const everyone = await builtin(org.orgId, 'all_users');
    expect(await getGroupDetail(org.orgId, everyone.id)).toMatchObject({ name: 'All Users', members: 2, memberList: [] });
    expect(await getGroupDetail(other.orgId, id)).toBeNull();
    expect(await getGroupDetail(org.orgId, 'not-a-group-id')).toBeNull();
  });

  it('refuses non-admins with 403 and other organizations’ ids with 404', async () => {
    const org = await makeOrg('deny');
    const other = await makeOrg('deny2');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const asBob = asUser(org.orgId, bob.id);
    expect(await rejection(runMutation(asBob, (ctx) => createGroup(ctx, { name: 'Mine' })))).toMatchObject({ code: 'forbidden' });

    const foreign = await runMutation(asUser(other.orgId, other.adminId), (ctx) => createGroup(ctx, { name: 'Theirs' }));
    const admin = asUser(org.orgId, org.adminId);
    expect(await rejection(runMutation(admin, (ctx) => deleteGroup(ctx, { groupId: foreign.id })))).toMatchObject({ code: 'not_found' });
    expect(await rejection(runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: foreign.id, userIds: [bob.id] })))).toMatchObject({
      code: 'not_found',
    });
    const ours = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Ours' }));
    expect(
      await rejection(runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: ours.id, userIds: [other.adminId] }))),
    ).toMatchObject({ code: 'not_found' });
  });

  it('keeps built-in groups built in, and at least one active admin', async () => {
    const org = await makeOrg('builtin');
    const admin = asUser(org.orgId, org.adminId);
    const adminGroup = await builtin(org.orgId, 'admin');
    const everyone = await builtin(org.orgId, 'all_users');
    expect(await rejection(runMutation(admin, (ctx) => deleteGroup(ctx, { groupId: adminGroup.id })))).toMatchObject({
      code: 'invalid_input',
    });
    expect(
      await rejection(
        runMutation(admin, (ctx) =>
          updateGroup(ctx, {
            groupId: everyone.id,
            name: 'Everybody',
            queryLibraryAccess: 'none',
            auditLogAccess: false,
            homepageAppId: null,
          }),
        ),
      ),
    ).toMatchObject({ code: 'invalid_input' });
    expect(
      await rejection(runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: everyone.id, userIds: [org.adminId] }))),
    ).toMatchObject({ code: 'invalid_input' });
    expect(
      await rejection(runMutation(admin, (ctx) => removeUsersFromGroup(ctx, { groupId: adminGroup.id, userIds: [org.adminId] }))),
    ).toMatchObject({
      message: expect.stringContaining('at least one active admin'),
    });
    const second = await makeUser(org.orgId, { admin: true });
    await runMutation(admin, (ctx) => removeUsersFromGroup(ctx, { groupId: adminGroup.id, userIds: [second.id] }));
  });

  it('lets a group admin manage only their group’s membership', async () => {
    const org = await makeOrg('gadmin');
    const admin = asUser(org.orgId, org.adminId);
    const lead = await makeUser(org.orgId, { label: 'lead' });
    const newbie = await makeUser(org.orgId, { label: 'newbie' });
    const team = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Team' }));
    const other = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Other' }));
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: team.id, userIds: [lead.id] }));
    await runMutation(admin, (ctx) => setGroupAdmin(ctx, { groupId: team.id, userId: lead.id, isGroupAdmin: true }));

    const asLead = asUser(org.orgId, lead.id);
    await runMutation(asLead, (ctx) => addUsersToGroup(ctx, { groupId: team.id, userIds: [newbie.id] }));
    await runMutation(asLead, (ctx) => removeUsersFromGroup(ctx, { groupId: team.id, userIds: [newbie.id] }));
    expect(await rejection(runMutation(asLead, (ctx) => addUsersToGroup(ctx, { groupId: other.id, userIds: [newbie.id] })))).toMatchObject({
      code: 'forbidden',
    });
    expect(
      await rejection(
        runMutation(asLead, (ctx) =>
          updateGroup(ctx, { groupId: team.id, name: 'Renamed', queryLibraryAccess: 'edit', auditLogAccess: true, homepageAppId: null }),
        ),
      ),
    ).toMatchObject({ code: 'forbidden' });
    const adminGroup = await builtin(org.orgId, 'admin');
    expect(
      await rejection(runMutation(asLead, (ctx) => addUsersToGroup(ctx, { groupId: adminGroup.id, userIds: [lead.id] }))),
    ).toMatchObject({ code: 'forbidden' });

    const events = (await auditRows(org.orgId)).filter((e) =>
      ['SET_GROUP_ADMIN', 'ADD_USERS_TO_GROUP', 'REMOVE_USERS_FROM_GROUP'].includes(e.actionType),
    );
    expect(events.map((e) => [e.actionType, e.userId, e.metadata.groupName])).toEqual([
      ['ADD_USERS_TO_GROUP', org.adminId, 'Team'],
      ['SET_GROUP_ADMIN', org.adminId, 'Team'],
      ['ADD_USERS_TO_GROUP', lead.id, 'Team'],
      ['REMOVE_USERS_FROM_GROUP', lead.id, 'Team'],
    ]);
    expect(events[1]!.metadata).toMatchObject({ targetUserId: lead.id, isGroupAdmin: true });
    expect(events[3]!.metadata).toMatchObject({ userIds: [newbie.id] });
  });
});

describe('grants', () => {
  it('grants, changes and revokes levels; owners share objects, admins grant kind-wide', async () => {
    const org = await makeOrg('grants');
    const admin = asUser(org.orgId, org.adminId);
    const owner = await makeUser(org.orgId, { label: 'owner' });
    const viewer = await makeUser(org.orgId, { label: 'viewer' });
    const owners = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Owners' }));
    const viewers = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Viewers' }));
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: owners.id, userIds: [owner.id] }));
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: viewers.id, userIds: [viewer.id] }));
    const folder = await runMutation(admin, (ctx) => createFolder(ctx, { kind: 'app', name: 'Ops' }));
    const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Orders', folderId: folder.id }));

    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: owners.id, objectKind: 'app', scope: 'folder', targetId: folder.id, level: 'own' }),
    );
    const asOwner = asUser(org.orgId, owner.id);
    const grant = await runMutation(asOwner, (ctx) =>
      setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'use' }),
    );
    await runMutation(asOwner, (ctx) =>
      setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'edit' }),
    );

    const viewerSnap = await loadSnapshot(org.orgId, viewer.id, getDb());
    expect(can(viewerSnap, 'edit', { kind: 'app', id: app.id, folderId: folder.id })).toMatchObject({
      allowed: true,
      level: 'edit',
      because: { group: { name: 'Viewers' } },
    });

    const asViewer = asUser(org.orgId, viewer.id);
    expect(
      await rejection(
        runMutation(asViewer, (ctx) =>
          setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'own' }),
        ),
      ),
    ).toMatchObject({
      code: 'forbidden',
      message: 'This needs own access to the app; you have edit.',
    });
    expect(
      await rejection(
        runMutation(asOwner, (ctx) =>
          setGrant(ctx, { groupId: viewers.id, objectKind: 'app', scope: 'kind', targetId: null, level: 'use' }),
        ),
      ),
    ).toMatchObject({ code: 'forbidden' });

    await runMutation(asOwner, (ctx) => removeGrant(ctx, { grantId: grant.id }));
    expect(can(await loadSnapshot(org.orgId, viewer.id, getDb()), 'view', { kind: 'app', id: app.id, folderId: folder.id }).allowed).toBe(
      false,
    );

    const events = (await auditRows(org.orgId)).filter((e) => e.actionType.endsWith('_PERMISSION'));
    expect(events.map((e) => [e.actionType, e.metadata.level, e.metadata.previousLevel ?? null])).toEqual([
      ['GRANT_PERMISSION', 'own', null],
      ['GRANT_PERMISSION', 'use', null],
      ['GRANT_PERMISSION', 'edit', 'use'],
      ['REVOKE_PERMISSION', 'edit', null],
    ]);
  });

  it('refuses a grant on another organization’s object as not found', async () => {
    const org = await makeOrg('gx');
    const other = await makeOrg('gy');
    const theirs = await runMutation(asUser(other.orgId, other.adminId), (ctx) =>
      createObject(ctx, { kind: 'resource', name: 'Prod DB', folderId: null }),
    );
    const admin = asUser(org.orgId, org.adminId);
    const g = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'G' }));
    expect(
      await rejection(
        runMutation(admin, (ctx) =>
          setGrant(ctx, { groupId: g.id, objectKind: 'resource', scope: 'object', targetId: theirs.id, level: 'own' }),
        ),
      ),
    ).toMatchObject({ code: 'not_found' });
  });
});
