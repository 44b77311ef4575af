import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { groupMembers, organizations, permissionGroups, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { auditRows, makeOrg, testRequest } from '@/lib/test/helpers';
import { createUser } from '@/lib/users/writes';
import { createOrganization } from './writes';

const anon = () => ({ orgId: null, actor: { kind: 'anonymous' as const }, request: testRequest({ requestId: 'req-create-org-1' }) });

function input(slug: string, email = `owner@${slug}.test`) {
  return { name: `Org ${slug}`, slug, firstName: 'Olga', lastName: 'Owner', email, password: 'twelve chars ok' };
}

async function attempt(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

afterEach(() => {
  delete process.env.GATEHOUSE_SIGNUP;
});

describe('createOrganization', () => {
  it('creates the organization, both built-in groups and an admin, with audit rows in the same transaction', async () => {
    const slug = `acme-${Date.now().toString(36)}`;
    const created = await runMutation(anon(), (ctx) => createOrganization(ctx, input(slug), 'signup'));
    const db = getDb();

    const groups = await db.select().from(permissionGroups).where(eq(permissionGroups.organizationId, created.organizationId));
    expect(groups.map((g) => [g.name, g.builtin]).sort()).toEqual([
      ['Admin', 'admin'],
      ['All Users', 'all_users'],
    ]);
    const admin = groups.find((g) => g.builtin === 'admin')!;
    const members = await db.select().from(groupMembers).where(eq(groupMembers.groupId, admin.id));
    expect(members.map((m) => m.userId)).toEqual([created.userId]);

    const [user] = await db.select().from(users).where(eq(users.id, created.userId));
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);

    const events = await auditRows(created.organizationId);
    expect(events.map((e) => e.actionType)).toEqual(['CREATE_ORGANIZATION', 'SIGN_UP']);
    for (const e of events) {
      expect(e).toMatchObject({ userId: created.userId, ipAddress: '203.0.113.7', requestId: 'req-create-org-1' });
      expect(e.user).toMatchObject({ id: created.userId, email: `owner@${slug}.test`, firstName: 'Olga', enabled: true });
      expect(JSON.stringify(e)).not.toContain('twelve chars ok');
    }
    expect(events[0]!.metadata).toEqual({ name: `Org ${slug}`, slug, via: 'signup', actor: 'anonymous' });
  });

  it('refuses a taken slug with a field error and leaves nothing behind', async () => {
    const org = await makeOrg('dup');
    const err = await attempt(() => runMutation(anon(), (ctx) => createOrganization(ctx, input(org.slug, 'someone@else.test'), 'signup')));
    expect(err.code).toBe('conflict');
    expect(err.meta.fieldErrors).toEqual({ slug: ['That URL is already taken. Choose another.'] });
    const strays = await getDb().select().from(users).where(eq(users.email, 'someone@else.test'));
    expect(strays).toHaveLength(0);
  });

  it('allows first-run setup only while no organization exists', async () => {
    await makeOrg('exists');
    const err = await attempt(() => runMutation(anon(), (ctx) => createOrganization(ctx, input(`late-${Date.now()}`), 'setup')));
    expect(err.code).toBe('conflict');
    expect(err.message).toContain('already set up');
  });

  it('refuses sign-up when GATEHOUSE_SIGNUP is closed', async () => {
    await makeOrg('open');
    process.env.GATEHOUSE_SIGNUP = 'closed';
    const slug = `closed-${Date.now().toString(36)}`;
    const err = await attempt(() => runMutation(anon(), (ctx) => createOrganization(ctx, input(slug), 'signup')));
    expect(err.code).toBe('forbidden');
    expect(await getDb().select().from(organizations).where(eq(organizations.slug, slug))).toHaveLength(0);
  });
});

describe('users within an organization', () => {
  it('keeps emails unique per organization regardless of case, but not across organizations', async () => {
    const a = await makeOrg('ua');
    const b = await makeOrg('ub');
    const cli = (orgId: string) => ({ orgId, actor: { kind: 'cli' as const }, request: testRequest() });
    const newUser = { email: 'Same.Person@Example.test', password: 'long enough pw', firstName: 'Sam', lastName: '', admin: false };

    await runMutation(cli(a.orgId), (ctx) => createUser(ctx, newUser));
    const err = await attempt(() => runMutation(cli(a.orgId), (ctx) => createUser(ctx, { ...newUser, email: 'same.person@example.TEST' })));
    expect(err.code).toBe('conflict');
    expect(err.meta.fieldErrors?.email?.[0]).toContain('already exists');

    const inB = await runMutation(cli(b.orgId), (ctx) => createUser(ctx, newUser));
    const rows = await getDb()
      .select()
      .from(users)
      .where(and(eq(users.organizationId, b.orgId), eq(users.id, inB.id)));
    expect(rows).toHaveLength(1);
    const events = await auditRows(b.orgId);
    expect(events.at(-1)).toMatchObject({ actionType: 'CREATE_USER', userId: null, metadata: { actor: 'cli', email: newUser.email } });
  });
});
