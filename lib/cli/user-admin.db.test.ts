// An admin's daily verbs as an operator runs them: `gatehouse user list|disable|enable`, `group
// add-member|remove-member` and `session list|revoke|limits` as separate processes on this file's
// database, set up through lib/ and checked there afterwards: rows, revocations and audit events.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db';
import { apiTokens, groupMembers, organizations, sessions, users } from '@/db/schema';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { startSignedInSession } from '@/lib/sessions/writes';
import { cliForTests } from '@/lib/test/cli';
import { asUser, auditRows, makeOrg, makeUser, testRequest } from '@/lib/test/helpers';

// CLI processes open this file's database (lib/test/cli.ts).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-admin-'));
const gatehouse = await cliForTests(work);

afterAll(async () => {
  await closeDb();
  fs.rmSync(work, { recursive: true, force: true });
});

// Each CLI process is a few seconds of CPU; on a busy two-core machine, ten or more of wall time.
const SLOW = { timeout: 180_000 };

const signIn = (orgId: string, userId: string) =>
  runMutation(asUser(orgId, userId), (ctx) => startSignedInSession(ctx, { orgId, userId, authMethod: 'password' }));

async function cliEvents(orgId: string, types: string[]) {
  const rows = await auditRows(orgId);
  return rows.filter((r) => types.includes(r.actionType)).map((r) => ({ actionType: r.actionType, metadata: r.metadata }));
}

describe('gatehouse user, group and session verbs', () => {
  it('disables a user (sessions and API tokens revoked) and enables them again; never the last active admin', SLOW, async () => {
    const org = await makeOrg('cliadm');
    const ann = await makeUser(org.orgId, { admin: true, label: 'ann' });
    await signIn(org.orgId, ann.id);
    await signIn(org.orgId, ann.id);
    await runMutation(asUser(org.orgId, ann.id), (ctx) => createApiToken(ctx, createApiTokenInput.parse({ scopes: 'users:read' })));

    const disabled = await gatehouse('user', 'disable', '--org', org.slug, '--email', ann.email.toUpperCase(), '--json');
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(JSON.parse(disabled.stdout)).toEqual({ userId: ann.id, disabled: true, sessionsRevoked: 2, tokensRevoked: 1 });
    const listed = await gatehouse('user', 'list', '--org', org.slug, '--disabled');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split(/ {2,}/)).toEqual([ann.email, 'disabled', 'ann', '(Admin)']);
    expect(await gatehouse('user', 'disable', '--org', org.slug, '--email', org.email, '--json')).toMatchObject({
      code: 1,
      stdout: JSON.stringify({
        error: { code: 'invalid_input', message: 'This is the last active admin. Make someone else an admin first.' },
      }),
    });
    expect(await gatehouse('user', 'enable', '--org', org.slug, '--email', ann.email)).toMatchObject({
      code: 0,
      stdout: `Enabled ${ann.email}.`,
    });

    const db = getDb();
    expect(await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, org.adminId))).toEqual([{ disabledAt: null }]);
    expect(await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, ann.id))).toEqual([{ disabledAt: null }]);
    const annSessions = await db.select({ reason: sessions.revokedReason }).from(sessions).where(eq(sessions.userId, ann.id));
    expect(annSessions).toEqual([{ reason: 'user_disabled' }, { reason: 'user_disabled' }]);
    const annTokens = await db.select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.createdBy, ann.id));
    expect(annTokens).toEqual([{ revokedAt: expect.any(Date) }]);
    expect(await cliEvents(org.orgId, ['DISABLE_USER', 'ENABLE_USER'])).toEqual([
      {
        actionType: 'DISABLE_USER',
        metadata: expect.objectContaining({ actor: 'cli', targetUserId: ann.id, sessionsRevoked: 2, tokensRevoked: 1 }),
      },
      { actionType: 'ENABLE_USER', metadata: expect.objectContaining({ actor: 'cli', targetUserId: ann.id }) },
    ]);
  });

  it('adds and removes a group member, naming the group in any letter case', SLOW, async () => {
    const org = await makeOrg('cligrp');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const cli = { orgId: org.orgId, actor: { kind: 'cli' as const }, request: testRequest() };
    const support = await runMutation(cli, (ctx) => createGroup(ctx, { name: 'Support' }));

    const added = await gatehouse('group', 'add-member', '--org', org.slug, '--group', 'support', '--email', bob.email, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({ groupId: support.id, userId: bob.id, member: true });
    const members = JSON.parse((await gatehouse('user', 'list', '--org', org.slug, '--group', 'Support', '--json')).stdout);
    expect(members.users.map((u: { email: string }) => u.email)).toEqual([bob.email]);
    expect(await gatehouse('group', 'remove-member', '--org', org.slug, '--group', 'Support', '--email', bob.email)).toMatchObject({
      code: 0,
      stdout: `Removed ${bob.email} from Support.`,
    });
    const unknownGroup = await gatehouse('group', 'add-member', '--org', org.slug, '--group', 'Nope', '--email', bob.email, '--json');
    const noGroup = `No group named "Nope" in ${org.slug}. Its groups: Admin, All Users, Support.`;
    expect(unknownGroup.code).toBe(1);
    expect(JSON.parse(unknownGroup.stdout)).toEqual({
      error: { code: 'not_found', message: noGroup, fieldErrors: { '--group': [noGroup] } },
    });

    expect(await getDb().select().from(groupMembers).where(eq(groupMembers.groupId, support.id))).toEqual([]);
    const membership = { actor: 'cli', groupId: support.id, userIds: [bob.id] };
    expect(await cliEvents(org.orgId, ['ADD_USERS_TO_GROUP', 'REMOVE_USERS_FROM_GROUP'])).toEqual([
      { actionType: 'ADD_USERS_TO_GROUP', metadata: expect.objectContaining(membership) },
      { actionType: 'REMOVE_USERS_FROM_GROUP', metadata: expect.objectContaining(membership) },
    ]);
  });

  it('signs a user out everywhere in one audited change', SLOW, async () => {
    const org = await makeOrg('clises');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    await signIn(org.orgId, bob.id);
    await signIn(org.orgId, bob.id);

    const revoked = await gatehouse('session', 'revoke', '--org', org.slug, '--user', bob.email, '--json');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ userId: bob.id, sessionsRevoked: 2 });
    expect(await gatehouse('session', 'revoke', '--org', org.slug, '--user', bob.email)).toMatchObject({
      code: 0,
      stdout: `${bob.email} had no sessions to revoke.`,
    });
    expect(await gatehouse('session', 'revoke', '--org', org.slug, '--user', `nobody@${org.slug}.test`)).toMatchObject({
      code: 1,
      stderr: `error: --user: No user with email nobody@${org.slug}.test in ${org.slug}.`,
    });

    const bobSessions = await getDb().select({ reason: sessions.revokedReason }).from(sessions).where(eq(sessions.userId, bob.id));
    expect(bobSessions).toEqual([{ reason: 'revoked' }, { reason: 'revoked' }]);
    const revocation = (sessionsRevoked: number) => ({
      actionType: 'REVOKE_USER_SESSIONS',
      metadata: { actor: 'cli', targetUserId: bob.id, email: bob.email, sessionsRevoked },
    });
    expect(await cliEvents(org.orgId, ['REVOKE_SESSION', 'REVOKE_USER_SESSIONS'])).toEqual([revocation(2), revocation(0)]);
  });

  it('lists a user’s sessions and signs them out by id; shows and sets the session limits', SLOW, async () => {
    const org = await makeOrg('clilim');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const sid = await signIn(org.orgId, bob.id);

    const listed = await gatehouse('session', 'list', '--org', org.slug, '--user', bob.id, '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      userId: bob.id,
      sessions: [expect.objectContaining({ id: sid, authMethod: 'password', secondFactor: null, ipAddress: '203.0.113.7' })],
    });
    const revoked = await gatehouse('session', 'revoke', '--org', org.slug, '--user', bob.id);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked 1 session(s) of ${bob.email}.` });
    expect((await getDb().select({ reason: sessions.revokedReason }).from(sessions).where(eq(sessions.id, sid)))[0]).toEqual({
      reason: 'revoked',
    });

    expect(await gatehouse('session', 'limits', '--org', org.slug)).toMatchObject({
      code: 0,
      stdout: `${org.slug}: idle 8h, absolute 24h.`,
    });
    const set = await gatehouse('session', 'limits', '--org', org.slug, '--idle', '30m', '--absolute', '12h', '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ idleMinutes: 30, absoluteMinutes: 720 });
    expect(await gatehouse('session', 'limits', '--org', org.slug, '--idle', '2m', '--absolute', 'soon')).toMatchObject({
      code: 1,
      stderr: 'error: --idle: Use at least 5 minutes.\nerror: --absolute: Enter a duration like 30m, 8h or 14d.',
    });
    expect(await gatehouse('session', 'limits', '--org', org.slug, '--absolute', '10m')).toMatchObject({
      code: 1,
      stderr: 'error: --absolute: The absolute limit (10m) cannot be shorter than the idle limit (30m).',
    });

    const [row] = await getDb().select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, org.orgId));
    expect(row!.settings).toMatchObject({ sessionIdleMinutes: 30, sessionAbsoluteMinutes: 720 });
    expect(await cliEvents(org.orgId, ['UPDATE_SESSION_LIMITS'])).toEqual([
      {
        actionType: 'UPDATE_SESSION_LIMITS',
        metadata: {
          actor: 'cli',
          before: { idleMinutes: 480, absoluteMinutes: 1440 },
          after: { idleMinutes: 30, absoluteMinutes: 720 },
          expiredSessionsRevoked: 0,
        },
      },
    ]);
  });
});
