import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asSuperuser, asUser, makeOrg } from '@/lib/test/helpers';
import { verifyChain } from './chain';

const tamper = (statement: ReturnType<typeof sql>) => asSuperuser(async (tx) => void (await tx.execute(statement)));

async function orgWithEvents(label: string) {
  const org = await makeOrg(label);
  const admin = asUser(org.orgId, org.adminId);
  for (const name of ['One', 'Two', 'Three']) await runMutation(admin, (ctx) => createGroup(ctx, { name }));
  return org;
}

describe('audit hash chain', () => {
  it('links every event of an organization and verifies', async () => {
    const org = await orgWithEvents('chain');
    const report = await verifyChain(org.orgId);
    expect(report).toEqual({ ok: true, organizationId: org.orgId, events: 5, headSeq: 5, unchainedBefore: 0, baseSeq: 0 });
  });

  it('finds a changed event', async () => {
    const org = await orgWithEvents('changed');
    await tamper(
      sql`update audit_events set metadata = jsonb_set(metadata, '{groupName}', '"Evil"') where organization_id = ${org.orgId} and seq = 4`,
    );
    expect(await verifyChain(org.orgId)).toMatchObject({
      ok: false,
      brokenAt: { seq: 4 },
      reason: 'Event 4 was changed after it was written.',
    });
  });

  it('finds a removed event, and events removed from the end', async () => {
    const middle = await orgWithEvents('gap');
    await tamper(sql`delete from audit_events where organization_id = ${middle.orgId} and seq = 3`);
    expect(await verifyChain(middle.orgId)).toMatchObject({ ok: false, brokenAt: { seq: 3 }, reason: expect.stringContaining('missing') });

    const tail = await orgWithEvents('tail');
    await tamper(sql`delete from audit_events where organization_id = ${tail.orgId} and seq = 5`);
    expect(await verifyChain(tail.orgId)).toMatchObject({ ok: false, reason: expect.stringContaining('removed from the end') });
  });

  it('finds a rewritten link whose hash was recomputed without its successor', async () => {
    const org = await orgWithEvents('rewrite');
    await tamper(sql`update audit_events set prev_hash = repeat('a', 64) where organization_id = ${org.orgId} and seq = 2`);
    expect(await verifyChain(org.orgId)).toMatchObject({ ok: false, brokenAt: { seq: 2 }, reason: 'Event 2 does not point at event 1.' });
  });

  it('keeps chains per organization, so concurrent organizations never interleave', async () => {
    const [a, b] = await Promise.all([orgWithEvents('pa'), orgWithEvents('pb')]);
    expect((await verifyChain(a.orgId)).ok).toBe(true);
    expect((await verifyChain(b.orgId)).ok).toBe(true);
  });
});
