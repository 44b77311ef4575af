// Test helpers that go through the real lib/ functions and a real database.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { auditEvents } from '@/db/schema';
import { createOrganization } from '@/lib/orgs/writes';
import { runMutation, type Actor } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';

export function testRequest(overrides: Partial<RequestMeta> = {}): RequestMeta {
  return { requestId: `test-${randomBytes(6).toString('hex')}`, ipAddress: '203.0.113.7', userAgent: 'vitest', ...overrides };
}

export type TestOrg = { orgId: string; slug: string; adminId: string; email: string; password: string };

/** A fresh organization with a signed-up admin, created through createOrganization. */
export async function makeOrg(label = 'org'): Promise<TestOrg> {
  const id = randomBytes(4).toString('hex');
  const input = {
    name: `${label} ${id}`,
    slug: `${label}-${id}`,
    firstName: 'Test',
    lastName: 'Admin',
    email: `admin-${id}@${label}.test`,
    password: `password for ${id}`,
  };
  const created = await runMutation({ orgId: null, actor: { kind: 'anonymous' }, request: testRequest() }, (ctx) =>
    createOrganization(ctx, input, 'cli'),
  );
  return { orgId: created.organizationId, slug: created.slug, adminId: created.userId, email: input.email, password: input.password };
}

export function asUser(orgId: string, userId: string, sessionId?: string): { orgId: string; actor: Actor; request: RequestMeta } {
  return { orgId, actor: { kind: 'user', userId, sessionId }, request: testRequest() };
}

export async function auditRows(orgId: string) {
  const rows = await getDb().select().from(auditEvents).where(eq(auditEvents.organizationId, orgId)).orderBy(auditEvents.id);
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}

/** A password user in `orgId`, created through createUser as the CLI would. */
export async function makeUser(
  orgId: string,
  opts: { admin?: boolean; label?: string } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = `${opts.label ?? 'user'}-${randomBytes(4).toString('hex')}@example.test`;
  const password = `password ${randomBytes(4).toString('hex')}`;
  const { createUser } = await import('@/lib/users/writes');
  const user = await runMutation({ orgId, actor: { kind: 'cli' }, request: testRequest() }, (ctx) =>
    createUser(ctx, { email, password, firstName: opts.label ?? 'User', lastName: '', admin: opts.admin ?? false }),
  );
  return { id: user.id, email, password };
}

/** Runs a mutation as `userId` and returns the AppError it throws (or fails the test). */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const { AppError } = await import('@/lib/errors');
    if (e instanceof AppError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected the mutation to be refused');
}

/**
 * Runs `fn` as a database superuser bent on tampering would: in one transaction with triggers
 * switched off for this session only (session_replication_role = replica), so the append-only
 * trigger stays in force for every other test running meanwhile.
 */
export async function asSuperuser<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
  return getDb().transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    return fn(tx);
  });
}
