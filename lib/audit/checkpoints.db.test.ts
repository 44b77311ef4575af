// Signed checkpoints catch what the hash chain alone cannot: a chain rewritten from the start with
// every hash recomputed by someone with database access but without the signing key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { auditChainHeads, auditEvents } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asSuperuser, asUser, auditRows, makeOrg } from '@/lib/test/helpers';
import { GENESIS_HASH, linkHash, verifyChain } from './chain';
import { verifyCheckpoints, writeCheckpoints } from './checkpoints';

async function orgWithGroups(n: number) {
  const org = await makeOrg('cp');
  for (let i = 0; i < n; i++) await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: `G${i}` }));
  return org;
}

/** Rewrites the whole chain as an attacker with database access would: drop checkpoints, change an event, recompute every hash. */
async function rewriteChain(orgId: string) {
  await asSuperuser(async (tx) => {
    await tx.delete(auditEvents).where(sql`${auditEvents.organizationId} = ${orgId} and ${auditEvents.actionType} = 'AUDIT_CHECKPOINT'`);
    const rows = await tx.select().from(auditEvents).where(eq(auditEvents.organizationId, orgId)).orderBy(asc(auditEvents.seq));
    let prevHash = GENESIS_HASH;
    for (const [i, r] of rows.entries()) {
      const metadata = r.actionType === 'CREATE_GROUP' ? { ...r.metadata, groupName: 'Rewritten' } : r.metadata;
      const fields = { ...r, seq: i + 1, prevHash, metadata };
      const hash = linkHash(fields);
      await tx
        .update(auditEvents)
        .set({ seq: i + 1, prevHash, metadata, hash })
        .where(eq(auditEvents.id, r.id));
      prevHash = hash;
    }
    await tx.update(auditChainHeads).set({ seq: rows.length, hash: prevHash }).where(eq(auditChainHeads.organizationId, orgId));
  });
}

describe('signed audit checkpoints', () => {
  it('signs the head when the chain moved, appends to the file (creating its directory), and records the checkpoint', async () => {
    const org = await orgWithGroups(3);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cp-')), 'not-yet', 'checkpoints.jsonl');
    const [first] = await writeCheckpoints({ organizationId: org.orgId, file });
    expect(first).toMatchObject({
      v: 1,
      organizationId: org.orgId,
      seq: 5,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      signature: expect.any(String),
    });
    expect(await writeCheckpoints({ organizationId: org.orgId, file })).toEqual([]); // nothing new since
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'Later' }));
    const [second] = await writeCheckpoints({ organizationId: org.orgId, file });
    expect(second!.seq).toBe(7);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([5, 7]);
    expect((await auditRows(org.orgId)).filter((e) => e.actionType === 'AUDIT_CHECKPOINT').map((e) => e.metadata.seq)).toEqual([5, 7]);
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true });
    expect(await verifyCheckpoints(lines, undefined, org.orgId)).toEqual({ checked: 2, skipped: 0, problems: [] });
  });

  it('detects a chain rewritten with recomputed hashes, and checkpoints signed by another key', async () => {
    const org = await orgWithGroups(3);
    const checkpoints = await writeCheckpoints({ organizationId: org.orgId, file: null });
    const lines = checkpoints.map((c) => JSON.stringify(c));
    await rewriteChain(org.orgId);
    // The chain is self-consistent again: only the signed checkpoints can tell.
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true });
    expect((await verifyCheckpoints(lines, undefined, org.orgId)).problems).toEqual([expect.stringContaining('the chain was rewritten')]);

    const otherKey = generateKeyPairSync('ed25519').publicKey;
    expect((await verifyCheckpoints(lines, otherKey, org.orgId)).problems).toEqual([expect.stringContaining('signature does not verify')]);
    const forged = { ...checkpoints[0]!, seq: 2 };
    expect((await verifyCheckpoints([JSON.stringify(forged)], undefined, org.orgId)).problems).toEqual([
      expect.stringContaining('signature does not verify'),
    ]);
  });

  it('notices a change before a checkpoint that is still in the chain', async () => {
    const org = await orgWithGroups(2);
    await writeCheckpoints({ organizationId: org.orgId, file: null });
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: 'After' }));
    // Recompute hashes up to the checkpoint but keep the checkpoint event (it cannot be re-signed).
    await asSuperuser(async (tx) => {
      const rows = await tx.select().from(auditEvents).where(eq(auditEvents.organizationId, org.orgId)).orderBy(asc(auditEvents.seq));
      let prevHash = GENESIS_HASH;
      for (const r of rows) {
        const metadata = r.seq === 3 ? { ...r.metadata, groupName: 'Evil' } : r.metadata;
        const hash = linkHash({ ...r, seq: r.seq!, prevHash, metadata });
        await tx.update(auditEvents).set({ prevHash, metadata, hash }).where(eq(auditEvents.id, r.id));
        prevHash = hash;
      }
      await tx.update(auditChainHeads).set({ hash: prevHash }).where(eq(auditChainHeads.organizationId, org.orgId));
    });
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: false, reason: expect.stringContaining('were rewritten') });
  });

  it('several writers at once (instances whose rounds meet) sign each head once, and the chain and checkpoints verify', async () => {
    const org = await orgWithGroups(2);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cp-')), 'checkpoints.jsonl');
    for (let round = 0; round < 3; round++) {
      // Each call reads the heads, then opens its own transaction per organization, as each instance's loop does.
      const written = (await Promise.all(Array.from({ length: 4 }, () => writeCheckpoints({ organizationId: org.orgId, file })))).flat();
      expect(written, `round ${round}`).toHaveLength(1);
      expect(await writeCheckpoints({ organizationId: org.orgId, file })).toEqual([]);
      await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: `Round ${round}` }));
    }
    const events = await auditRows(org.orgId);
    const checkpoints = events.filter((e) => e.actionType === 'AUDIT_CHECKPOINT');
    expect(checkpoints.map((e) => e.metadata.seq)).toEqual([4, 6, 8]);
    // No checkpoint of a checkpoint: the one after it is never another.
    for (const c of checkpoints) expect(events.find((e) => e.seq === c.seq! + 1)?.actionType ?? 'none').not.toBe('AUDIT_CHECKPOINT');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: true });
    expect(await verifyCheckpoints(lines, undefined, org.orgId)).toEqual({ checked: 3, skipped: 0, problems: [] });
  });
});
