import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { addUsersToGroup, createGroup, setGrant, updateGroup } from '@/lib/groups/writes';
import { createObject } from '@/lib/objects/writes';
import { runMutation } from '@/lib/server/mutation';
import { findActiveSession } from '@/lib/sessions/reads';
import { revokeUserSession } from '@/lib/sessions/writes';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { landingApp, setWorkspace, workspaceOptions } from './workspace';

describe('workspaces', () => {
  it('lands users without Edit on their group’s homepage, lets them choose between several, and leaves editors alone', async () => {
    const org = await makeOrg('ws');
    const admin = asUser(org.orgId, org.adminId);
    const desk = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Desk', folderId: null }));
    const floor = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Floor', folderId: null }));
    const a = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'A Reception' }));
    const b = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'B Floor' }));
    for (const [groupId, name, homepageAppId] of [
      [a.id, 'A Reception', desk.id],
      [b.id, 'B Floor', floor.id],
    ] as const) {
      await runMutation(admin, (ctx) =>
        updateGroup(ctx, { groupId, name, queryLibraryAccess: 'none', auditLogAccess: false, homepageAppId }),
      );
    }
    const user = await makeUser(org.orgId);
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: a.id, userIds: [user.id] }));
    expect(await landingApp(await loadSnapshot(org.orgId, user.id, getDb()))).toBe(desk.id);

    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: b.id, userIds: [user.id] }));
    const me = asUser(org.orgId, user.id);
    expect((await workspaceOptions(await loadSnapshot(org.orgId, user.id, getDb()))).map((o) => [o.appName, o.chosen])).toEqual([
      ['Desk', true],
      ['Floor', false],
    ]);
    await runMutation(me, (ctx) => setWorkspace(ctx, { groupId: b.id }));
    expect(await landingApp(await loadSnapshot(org.orgId, user.id, getDb()))).toBe(floor.id);
    const other = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Not mine' }));
    expect(await rejection(runMutation(me, (ctx) => setWorkspace(ctx, { groupId: other.id })))).toMatchObject({ code: 'not_found' });

    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: b.id, objectKind: 'app', scope: 'object', targetId: floor.id, level: 'edit' }),
    );
    expect(await landingApp(await loadSnapshot(org.orgId, user.id, getDb()))).toBeNull();
    expect((await auditRows(org.orgId)).map((e) => e.actionType)).toContain('SET_WORKSPACE');
  });
});

describe('admin session control', () => {
  it('lets an admin revoke one session of a user, audited; nobody else', async () => {
    const org = await makeOrg('adminrev');
    const bob = await makeUser(org.orgId);
    const s = await signInWithPassword({ orgSlug: org.slug, email: bob.email, password: bob.password }, testRequest());
    if (!s.ok) throw new Error('sign-in failed');
    expect(
      await rejection(
        runMutation(asUser(org.orgId, bob.id), (ctx) => revokeUserSession(ctx, { userId: org.adminId, sessionId: s.sessionId })),
      ),
    ).toMatchObject({ code: 'forbidden' });
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => revokeUserSession(ctx, { userId: bob.id, sessionId: s.sessionId }));
    expect(await findActiveSession(s.sessionId)).toBeNull();
    const event = (await auditRows(org.orgId)).find((e) => e.actionType === 'REVOKE_SESSION');
    expect(event).toMatchObject({ userId: org.adminId, metadata: { sessionId: s.sessionId, targetUserId: bob.id } });
  });
});
