import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { auditChainHeads, organizations, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, testRequest } from '@/lib/test/helpers';
import { linkHash, verifyChain } from './chain';
import { writeCheckpoints } from './checkpoints';
import { insertLinked, whereChained } from './link';
import { pendingEvent, record } from './record';

const session = () => ({ sessionId: crypto.randomUUID() });
const ids = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('linking queued audit events at commit', () => {
  it('keeps one contiguous, verifiable chain under concurrent mutations in one organization, each in record() order', async () => {
    const org = await makeOrg('concurrent');
    const before = (await auditRows(org.orgId)).length;
    const admin = asUser(org.orgId, org.adminId);
    const marks = Array.from({ length: 40 }, () => ids(2));
    const outcomes = await Promise.allSettled(
      marks.map(([first, second], i) =>
        runMutation(admin, async (ctx) => {
          await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId: first! } });
          // Yield between the two events, so the transactions interleave.
          await new Promise((r) => setTimeout(r, i % 3));
          await record(ctx, { actionType: 'LOGIN', metadata: { method: 'password', sessionId: second! } });
          if (i % 5 === 4) throw new AppError('conflict', 'rolled back after recording');
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(8);

    const rows = await auditRows(org.orgId);
    expect(rows).toHaveLength(before + 64);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true, events: before + 64, headSeq: before + 64 });
    const added = rows.slice(before);
    // Each transaction's two events are neighbours, in the order it recorded them; none of a rolled-back one is left.
    for (let k = 0; k < added.length; k += 2) {
      const i = marks.findIndex(([first]) => first === added[k]!.metadata.sessionId);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i % 5).not.toBe(4);
      expect(added[k]!.actionType).toBe('LOGOUT');
      expect(added[k + 1]).toMatchObject({ actionType: 'LOGIN', metadata: { sessionId: marks[i]![1] } });
    }
    // Time never runs backwards along the chain.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.createdAt.getTime());
  });

  it('links a lone event in one statement to exactly the hash JavaScript computes, whatever its text holds', async () => {
    const org = await makeOrg('one-statement');
    const admin = asUser(org.orgId, org.adminId);
    const tricky = `é 漢字 🚀 "quoted" \\ back\\slash \n newline \u2028 \t tab \u0001`;
    for (let i = 0; i < 3; i++) {
      await runMutation(admin, (ctx) =>
        record(ctx, { actionType: 'LOGIN_FAILED', metadata: { method: 'password', email: `${tricky} ${i}`, reason: 'unknown_user' } }),
      );
    }
    const rows = await auditRows(org.orgId);
    const mine = rows.slice(-3);
    expect(mine.map((r) => r.metadata.email)).toEqual([0, 1, 2].map((i) => `${tricky} ${i}`));
    for (const r of mine) expect(linkHash({ ...r, seq: r.seq!, prevHash: r.prevHash! })).toBe(r.hash);
    expect(mine.map((r) => r.seq)).toEqual([1, 2, 3].map((k) => rows.length - 3 + k));
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true, events: rows.length });

    // Concurrent lone events: seq and createdAt both taken under the head's lock, so time never runs backwards.
    await Promise.all(
      Array.from({ length: 30 }, () => runMutation(admin, (ctx) => record(ctx, { actionType: 'LOGOUT', metadata: session() }))),
    );
    const after = await auditRows(org.orgId);
    expect(after.map((r) => r.seq)).toEqual(after.map((_, i) => i + 1));
    for (let i = 1; i < after.length; i++) expect(after[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(after[i - 1]!.createdAt.getTime());
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true, events: rows.length + 30 });
  });

  it('links an insert and its lone event in one statement, and inserts nothing where the chain has no head or the row clashes', async () => {
    const email = `one-${crypto.randomUUID()}@example.test`;
    const attempt = async (orgId: string) => {
      const insert = sql`insert into ${users} (organization_id, email) select ${orgId}::uuid, ${email} where ${whereChained(orgId)} on conflict do nothing returning 1`;
      const pending = await pendingEvent(
        { orgId, actor: { kind: 'cli' }, request: testRequest() },
        { actionType: 'LOGOUT', metadata: session() },
        { userId: null },
      );
      return insertLinked(insert, pending, getDb());
    };
    const inserted = async (orgId: string) =>
      (
        await getDb()
          .select()
          .from(users)
          .where(and(eq(users.organizationId, orgId), eq(users.email, email)))
      ).length;

    // Everything else audits an organization's creation, so one with no head is made by hand.
    const [bare] = await getDb()
      .insert(organizations)
      .values({ name: 'no head', slug: `no-head-${crypto.randomUUID()}` })
      .returning();
    expect(await attempt(bare!.id)).toBeNull();
    expect(await inserted(bare!.id)).toBe(0);
    expect(await getDb().select().from(auditChainHeads).where(eq(auditChainHeads.organizationId, bare!.id))).toEqual([]);

    const org = await makeOrg('insert-linked');
    const before = await auditRows(org.orgId);
    const linked = await attempt(org.orgId);
    expect(linked).toMatchObject({ seq: before.length + 1, prevHash: before.at(-1)!.hash, actionType: 'LOGOUT' });
    expect(await inserted(org.orgId)).toBe(1);
    const rows = await auditRows(org.orgId);
    expect(rows).toHaveLength(before.length + 1);
    expect(linkHash({ ...rows.at(-1)!, seq: rows.at(-1)!.seq!, prevHash: rows.at(-1)!.prevHash! })).toBe(linked!.hash);

    // The same email again clashes with users_org_email_key: no row, no event, the head where it was.
    expect(await attempt(org.orgId)).toBeNull();
    expect(await inserted(org.orgId)).toBe(1);
    expect(await auditRows(org.orgId)).toHaveLength(before.length + 1);
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true, events: before.length + 1, headSeq: before.length + 1 });
  });

  it('signs exactly the event before each checkpoint while other mutations append', async () => {
    const org = await makeOrg('checkpoint-race');
    const admin = asUser(org.orgId, org.adminId);
    const appends = Array.from({ length: 30 }, () =>
      runMutation(admin, (ctx) => record(ctx, { actionType: 'LOGOUT', metadata: session() })),
    );
    const checkpoints = Array.from({ length: 5 }, async () => {
      await new Promise((r) => setTimeout(r, 2));
      return writeCheckpoints({ organizationId: org.orgId, file: null });
    });
    await Promise.all([...appends, ...checkpoints]);
    const rows = await auditRows(org.orgId);
    const signed = rows.filter((r) => r.actionType === 'AUDIT_CHECKPOINT');
    expect(signed.length).toBeGreaterThan(0);
    for (const c of signed) expect(c.metadata).toMatchObject({ seq: c.seq! - 1, hash: c.prevHash });
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true });
  });

  it('links more events than one INSERT carries, in order, with the head advanced once at the end', async () => {
    const org = await makeOrg('many');
    const before = (await auditRows(org.orgId)).length;
    const marks = ids(2100);
    await runMutation(asUser(org.orgId, org.adminId), async (ctx) => {
      for (const sessionId of marks) await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId } });
    });
    const rows = (await auditRows(org.orgId)).slice(before);
    expect(rows.map((r) => r.metadata.sessionId)).toEqual(marks);
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true, headSeq: before + 2100 });
  });

  it('links the events of one transaction in two organizations into each chain, and logs each committed row with its id', async () => {
    vi.stubEnv('GATEHOUSE_LOG_AUDIT_EVENTS', 'true');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const [a, b] = await Promise.all([makeOrg('two-a'), makeOrg('two-b')]);
    printed.length = 0;
    const [a1, b1, a2] = ids(3);
    await runMutation(asUser(a.orgId, a.adminId), async (ctx) => {
      await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId: a1! } });
      await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId: b1! } }, { organizationId: b.orgId, userId: b.adminId });
      await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId: a2! } });
    });
    expect((await verifyChain(a.orgId)).ok).toBe(true);
    expect((await verifyChain(b.orgId)).ok).toBe(true);
    const rowsA = (await auditRows(a.orgId)).slice(-2);
    const rowsB = (await auditRows(b.orgId)).slice(-1);
    expect(rowsA.map((r) => r.metadata.sessionId)).toEqual([a1, a2]);
    expect(rowsB.map((r) => r.metadata.sessionId)).toEqual([b1]);
    const logged = printed.map((l) => JSON.parse(l) as { type: string; id: string; seq: number; organizationId: string });
    expect(logged.map((l) => [l.type, l.id, l.seq])).toEqual([
      ['gatehouse.audit', rowsA[0]!.id, rowsA[0]!.seq],
      ['gatehouse.audit', rowsB[0]!.id, rowsB[0]!.seq],
      ['gatehouse.audit', rowsA[1]!.id, rowsA[1]!.seq],
    ]);

    // A rollback logs nothing.
    printed.length = 0;
    await expect(
      runMutation(asUser(a.orgId, a.adminId), async (ctx) => {
        await record(ctx, { actionType: 'LOGOUT', metadata: session() });
        throw new AppError('conflict', 'no');
      }),
    ).rejects.toThrow('no');
    expect(printed).toEqual([]);
  });
});
