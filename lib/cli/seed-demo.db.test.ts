// The demo seed through the same function the CLI calls: each viewer runs the released Orders
// query through runAppQuery and sees only the orders they handle; a second run is refused.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { runAppQuery } from '@/lib/apps/run-query';
import { verifyPassword } from '@/lib/auth/password';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { closeAllPools } from '@/lib/resources/pools';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, rejection, testRequest } from '@/lib/test/helpers';
import { landingApp } from '@/lib/users/workspace';
import { seedDemo } from './seed-demo';

afterAll(async () => {
  await closeAllPools();
});

const cli = () => ({ orgId: null, actor: { kind: 'cli' as const }, request: testRequest() });

describe('gatehouse seed demo', () => {
  it('gives each viewer their own orders, a workspace homepage, and refuses to run twice', async () => {
    const slug = `demo-${randomBytes(3).toString('hex')}`;
    const seed = await runMutation(cli(), (ctx) => seedDemo(ctx, { slug }));
    expect(seed.users.map((u) => [u.role, u.email])).toEqual([
      ['admin', 'admin@example.com'],
      ['editor', 'editor@example.com'],
      ['viewer', 'alice@example.com'],
      ['viewer', 'bob@example.com'],
    ]);
    expect(new Set(seed.users.map((u) => u.password)).size).toBe(4);
    const orgId = seed.organization.id;
    const ordersOf = async (email: string) => {
      const user = seed.users.find((u) => u.email === email)!;
      const r = await runAppQuery(asUser(orgId, user.id), seed.app.id, seed.app.query, {});
      if (!r.ok) throw new Error(r.error);
      return (r.data as { id: number }[]).map((row) => row.id);
    };
    const alice = await ordersOf('alice@example.com');
    const bob = await ordersOf('bob@example.com');
    expect(alice).toEqual([1009, 1007, 1005, 1003, 1001]);
    expect(bob).toEqual([1010, 1008, 1006, 1004, 1002]);
    // The editor (Edit on every app) handles no orders.
    expect(await ordersOf('editor@example.com')).toEqual([]);

    for (const viewer of seed.users.filter((u) => u.role === 'viewer')) {
      expect(await landingApp(await loadSnapshot(orgId, viewer.id, getDb()))).toBe(seed.app.id);
    }
    const editorSnapshot = await loadSnapshot(orgId, seed.users[1]!.id, getDb());
    expect(editorSnapshot.groups.find((g) => g.name === 'Editors')?.queryLibrary).toBe('edit');
    expect(await landingApp(editorSnapshot)).toBeNull();

    const types = (await auditRows(orgId)).map((r) => r.actionType);
    expect(types).toEqual(
      expect.arrayContaining(['CREATE_ORGANIZATION', 'CREATE_USER', 'APP_RELEASED', 'GRANT_PERMISSION', 'UPDATE_GROUP']),
    );
    expect(
      (await auditRows(orgId)).filter((r) => r.actionType !== 'QUERY_RUN').every((r) => (r.metadata as { actor?: string }).actor === 'cli'),
    ).toBe(true);

    expect(await rejection(runMutation(cli(), (ctx) => seedDemo(ctx, { slug })))).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`"${slug}" already exists`),
    });
  });

  it('uses --password for every user when given', async () => {
    const slug = `demo-${randomBytes(3).toString('hex')}`;
    const seed = await runMutation(cli(), (ctx) => seedDemo(ctx, { slug, password: 'correct horse battery' }));
    expect(seed.users.every((u) => u.password === 'correct horse battery')).toBe(true);
    const [row] = await getDb().select({ hash: users.passwordHash }).from(users).where(eq(users.id, seed.users[3]!.id));
    expect(await verifyPassword(row!.hash, 'correct horse battery')).toBe(true);
  });
});
