import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { invites } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { findActiveSession } from '@/lib/sessions/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { findOpenInvite, inviteUser, redeemInvite, revokeInvite } from './invites';
import { effectiveAccess, getUser, listUsers } from './reads';
import { disableUser, enableUser } from './writes';

const anon = () => ({ orgId: null, actor: { kind: 'anonymous' as const }, request: testRequest() });

describe('disabling users', () => {
  it('kills every session in the same transaction, blocks sign-in, and re-enabling restores access', async () => {
    const org = await makeOrg('dis');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const signIn = () => signInWithPassword({ orgSlug: org.slug, email: bob.email, password: bob.password }, testRequest());
    const s1 = await signIn();
    const s2 = await signIn();
    if (!s1.ok || !s2.ok) throw new Error('sign-in failed');

    const admin = asUser(org.orgId, org.adminId);
    expect(await runMutation(admin, (ctx) => disableUser(ctx, { userId: bob.id }))).toEqual({ sessionsRevoked: 2, tokensRevoked: 0 });
    expect(await findActiveSession(s1.sessionId)).toBeNull();
    expect(await findActiveSession(s2.sessionId)).toBeNull();
    expect(await signIn()).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect((await getUser(org.orgId, bob.id))!.disabled).toBe(true);

    await runMutation(admin, (ctx) => enableUser(ctx, { userId: bob.id }));
    expect((await signIn()).ok).toBe(true);
    expect(await findActiveSession(s1.sessionId)).toBeNull();

    const events = (await auditRows(org.orgId)).filter((e) => e.actionType.endsWith('ABLE_USER'));
    expect(events.map((e) => [e.actionType, e.userId, e.metadata.targetUserId])).toEqual([
      ['DISABLE_USER', org.adminId, bob.id],
      ['ENABLE_USER', org.adminId, bob.id],
    ]);
  });

  it('refuses disabling yourself, the last active admin, non-admin callers and other organizations', async () => {
    const org = await makeOrg('self');
    const other = await makeOrg('self2');
    const admin = asUser(org.orgId, org.adminId);
    expect(await rejection(runMutation(admin, (ctx) => disableUser(ctx, { userId: org.adminId })))).toMatchObject({
      message: 'You cannot disable yourself.',
    });
    const second = await makeUser(org.orgId, { admin: true, label: 'second' });
    await runMutation(asUser(org.orgId, second.id), (ctx) => disableUser(ctx, { userId: org.adminId }));
    await runMutation(asUser(org.orgId, second.id), (ctx) => enableUser(ctx, { userId: org.adminId }));
    const bob = await makeUser(org.orgId, { label: 'bob' });
    expect(await rejection(runMutation(asUser(org.orgId, bob.id), (ctx) => disableUser(ctx, { userId: second.id })))).toMatchObject({
      code: 'forbidden',
    });
    expect(await rejection(runMutation(admin, (ctx) => disableUser(ctx, { userId: other.adminId })))).toMatchObject({ code: 'not_found' });

    // With only one enabled admin left, that admin cannot be disabled by anyone.
    await runMutation(admin, (ctx) => disableUser(ctx, { userId: second.id }));
    expect(
      await rejection(
        runMutation({ orgId: org.orgId, actor: { kind: 'cli' }, request: testRequest() }, (ctx) =>
          disableUser(ctx, { userId: org.adminId }),
        ),
      ),
    ).toMatchObject({
      message: expect.stringContaining('last active admin'),
    });
  });
});

describe('invitations', () => {
  it('creates a single-use link that sets name and password and joins the chosen group', async () => {
    const org = await makeOrg('inv');
    const admin = asUser(org.orgId, org.adminId);
    const team = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Team' }));
    const invite = await runMutation(admin, (ctx) => inviteUser(ctx, { email: 'New.Person@inv.test', groupIds: [team.id] }));
    expect(invite.path).toBe(`/invite/${invite.token}`);
    const [stored] = await getDb().select().from(invites).where(eq(invites.id, invite.inviteId));
    expect(stored!.tokenHash).not.toContain(invite.token);

    expect(await findOpenInvite(invite.token)).toMatchObject({ email: 'New.Person@inv.test', orgSlug: org.slug });
    const redeemed = await runMutation(anon(), (ctx) =>
      redeemInvite(ctx, { token: invite.token, firstName: 'New', lastName: 'Person', password: 'brand new password' }),
    );
    const user = await getUser(org.orgId, redeemed.userId);
    expect(user).toMatchObject({ email: 'New.Person@inv.test', name: 'New Person', groups: [{ id: team.id, name: 'Team' }] });
    expect(
      (await signInWithPassword({ orgSlug: org.slug, email: 'new.person@inv.test', password: 'brand new password' }, testRequest())).ok,
    ).toBe(true);

    expect(await findOpenInvite(invite.token)).toBeNull();
    expect(
      await rejection(
        runMutation(anon(), (ctx) =>
          redeemInvite(ctx, { token: invite.token, firstName: 'Again', lastName: '', password: 'another password' }),
        ),
      ),
    ).toMatchObject({ code: 'not_found' });
    const types = (await auditRows(org.orgId)).map((e) => e.actionType);
    expect(types).toEqual(expect.arrayContaining(['INVITE_USER', 'REDEEM_INVITE']));
    expect(JSON.stringify(await auditRows(org.orgId))).not.toContain(invite.token);
  });

  it('refuses expired, revoked and replaced links, and invitations for existing users', async () => {
    const org = await makeOrg('inv2');
    const admin = asUser(org.orgId, org.adminId);
    expect(await rejection(runMutation(admin, (ctx) => inviteUser(ctx, { email: org.email.toUpperCase(), groupIds: [] })))).toMatchObject({
      code: 'conflict',
    });

    const first = await runMutation(admin, (ctx) => inviteUser(ctx, { email: 'a@inv2.test', groupIds: [] }));
    const second = await runMutation(admin, (ctx) => inviteUser(ctx, { email: 'a@inv2.test', groupIds: [] }));
    expect(await findOpenInvite(first.token)).toBeNull();
    expect(await findOpenInvite(second.token)).not.toBeNull();
    expect(await findOpenInvite(second.token, new Date(Date.now() + 8 * 24 * 3600 * 1000), getDb())).toBeNull();

    await runMutation(admin, (ctx) => revokeInvite(ctx, { inviteId: second.inviteId }));
    expect(await findOpenInvite(second.token)).toBeNull();
    expect((await auditRows(org.orgId)).at(-1)).toMatchObject({
      actionType: 'REVOKE_INVITE',
      metadata: { inviteId: second.inviteId, email: 'a@inv2.test' },
    });
    expect(await rejection(runMutation(admin, (ctx) => revokeInvite(ctx, { inviteId: second.inviteId })))).toMatchObject({
      code: 'not_found',
    });
    const bob = await makeUser(org.orgId);
    expect(
      await rejection(runMutation(asUser(org.orgId, bob.id), (ctx) => inviteUser(ctx, { email: 'c@inv2.test', groupIds: [] }))),
    ).toMatchObject({ code: 'forbidden' });
  });
});

describe('reading users', () => {
  it('filters by text, status and group', async () => {
    const org = await makeOrg('list');
    const admin = asUser(org.orgId, org.adminId);
    const ann = await makeUser(org.orgId, { label: 'ann' });
    const ben = await makeUser(org.orgId, { label: 'ben' });
    const team = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Team' }));
    const { addUsersToGroup } = await import('@/lib/groups/writes');
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: team.id, userIds: [ann.id] }));
    await runMutation(admin, (ctx) => disableUser(ctx, { userId: ben.id }));

    expect((await listUsers(org.orgId, { q: 'ann-' })).map((u) => u.id)).toEqual([ann.id]);
    expect((await listUsers(org.orgId, { status: 'disabled' })).map((u) => u.id)).toEqual([ben.id]);
    expect((await listUsers(org.orgId, { groupId: team.id })).map((u) => u.id)).toEqual([ann.id]);
    expect((await listUsers(org.orgId, { q: '%' })).length).toBe(0);
    expect(await effectiveAccess(org.orgId, ann.id)).toEqual([]);
  });
});
