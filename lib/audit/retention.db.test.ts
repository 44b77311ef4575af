// Retention against a real database: the trigger's one exception, the chain's moving base, the
// legal hold, and sinks that still need events.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditChainHeads, auditEvents, auditSinks, organizations } from '@/db/schema';
import { runMutation, type MutationInit } from '@/lib/server/mutation';
import { auditRows, testRequest } from '@/lib/test/helpers';
import { advanceHead, linkHash, nextLink, verifyChain, type ChainedFields } from './chain';
import { purgeExpiredEvents, retentionInput, updateRetention } from './retention';

const DAY = 86_400_000;
const operator = (orgId: string): MutationInit => ({ orgId, actor: { kind: 'cli' }, request: testRequest() });

/** An organization whose first `old` events happened `ageDays` ago (written as record() would, with an old clock), then `fresh` recent ones. */
async function orgWithHistory(old: number, ageDays: number, fresh: number): Promise<string> {
  const orgId = crypto.randomUUID();
  await runMutation(operator(orgId), async (ctx) => {
    await ctx.tx.insert(organizations).values({ id: orgId, name: 'Old', slug: `old-${randomBytes(4).toString('hex')}` });
    for (let i = 0; i < old + fresh; i++) {
      const { seq, prevHash } = await nextLink(orgId, ctx.tx);
      const row: ChainedFields = {
        organizationId: orgId,
        seq,
        prevHash,
        userId: null,
        actionType: 'CREATE_GROUP',
        ipAddress: null,
        geoLocation: null,
        responseTimeMs: null,
        pageName: null,
        queryName: null,
        resourceName: null,
        metadata: { groupId: crypto.randomUUID(), groupName: `g${i}` },
        user: null,
        requestId: null,
        createdAt: new Date(Date.now() - (i < old ? ageDays * DAY - i * 1000 : 0)),
      };
      const hash = linkHash(row);
      await ctx.tx.insert(auditEvents).values({ ...row, hash });
      await advanceHead(orgId, seq, hash, ctx.tx);
      ctx.auditCount++;
    }
  });
  return orgId;
}

describe('audit retention', () => {
  it('deletes expired events as a prefix of the chain, which still verifies from its new base', async () => {
    const orgId = await orgWithHistory(25, 400, 3);
    expect(Object.values(await purgeExpiredEvents({ organizationId: orgId }))).toEqual([25]);
    const rows = await auditRows(orgId);
    expect(rows.map((r) => r.seq)).toEqual([26, 27, 28, 29]);
    expect(rows.at(-1)).toMatchObject({
      actionType: 'AUDIT_EVENTS_PURGED',
      metadata: { throughSeq: 25, events: 25, retentionDays: 365, actor: 'system', job: 'audit-retention' },
    });
    expect(await verifyChain(orgId)).toMatchObject({ ok: true, baseSeq: 25, events: 4, headSeq: 29 });
    // Nothing more is due.
    expect(await purgeExpiredEvents({ organizationId: orgId })).toEqual({});
  });

  it('keeps everything under a legal hold, and what sinks have not received', async () => {
    const held = await orgWithHistory(5, 400, 0);
    await runMutation(operator(held), (ctx) => updateRetention(ctx, { retentionDays: 365, legalHold: true }));
    expect(await purgeExpiredEvents({ organizationId: held })).toEqual({});
    await runMutation(operator(held), (ctx) => updateRetention(ctx, { retentionDays: 90, legalHold: false }));
    expect(Object.values(await purgeExpiredEvents({ organizationId: held }))).toEqual([5]);
    expect((await auditRows(held)).map((e) => e.actionType)).toEqual([
      'AUDIT_RETENTION_UPDATED',
      'AUDIT_RETENTION_UPDATED',
      'AUDIT_EVENTS_PURGED',
    ]);

    const streamed = await orgWithHistory(10, 400, 0);
    await getDb().insert(auditSinks).values({
      organizationId: streamed,
      name: 'behind',
      kind: 'webhook',
      url: 'https://x.example.test',
      secret: 'ghe1.x.y.z',
      cursorSeq: 4,
    });
    expect(Object.values(await purgeExpiredEvents({ organizationId: streamed }))).toEqual([4]);
    expect(await verifyChain(streamed)).toMatchObject({ ok: true, baseSeq: 4 });
  });

  it('refuses deletes outside retention, of recent events, and a base moved without a record', async () => {
    const orgId = await orgWithHistory(3, 400, 2);
    const db = getDb();
    await expect(db.delete(auditEvents).where(eq(auditEvents.organizationId, orgId))).rejects.toThrow();
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('gatehouse.audit_retention', 'on', true)`);
        await tx.delete(auditEvents).where(eq(auditEvents.organizationId, orgId)); // includes recent events
      }),
    ).rejects.toThrow();
    expect((await auditRows(orgId)).length).toBe(5);
    await purgeExpiredEvents({ organizationId: orgId });
    const [event4] = (await auditRows(orgId)).filter((e) => e.seq === 4);
    await db.update(auditChainHeads).set({ baseSeq: 4, baseHash: event4!.hash! }).where(eq(auditChainHeads.organizationId, orgId));
    expect(await verifyChain(orgId)).toMatchObject({ ok: false, reason: expect.stringContaining('no retention record') });
  });

  it('validates the settings', () => {
    expect(retentionInput.safeParse({ retentionDays: '7' }).error?.issues[0]?.message).toBe('Keep events at least 30 days.');
    expect(retentionInput.parse({ retentionDays: '90', legalHold: 'on' })).toEqual({ retentionDays: 90, legalHold: true });
  });
});
