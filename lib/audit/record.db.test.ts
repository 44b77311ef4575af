import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditEvents, organizations } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg } from '@/lib/test/helpers';
import type { AuditEventInput } from './events';
import { record } from './record';

describe('audit spine', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on audit_events', async () => {
    const org = await makeOrg('append');
    const db = getDb();
    await expect(db.update(auditEvents).set({ actionType: 'LOGIN' }).where(eq(auditEvents.organizationId, org.orgId))).rejects.toThrow();
    await expect(db.delete(auditEvents).where(eq(auditEvents.organizationId, org.orgId))).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    expect(await auditRows(org.orgId)).toHaveLength(2);
  });

  it('rolls back a mutation that records no audit event', async () => {
    const org = await makeOrg('noaudit');
    const attempt = runMutation(asUser(org.orgId, org.adminId), async (ctx) => {
      await ctx.tx.update(organizations).set({ name: 'Renamed silently' }).where(eq(organizations.id, org.orgId));
    });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    const [row] = await getDb().select().from(organizations).where(eq(organizations.id, org.orgId));
    expect(row!.name).not.toBe('Renamed silently');
  });

  it('rolls back the event with the change when the change fails', async () => {
    const org = await makeOrg('rollback');
    const before = (await auditRows(org.orgId)).length;
    const attempt = runMutation(asUser(org.orgId, org.adminId), async (ctx) => {
      await record(ctx, { actionType: 'LOGOUT', metadata: { sessionId: crypto.randomUUID() } });
      throw new AppError('conflict', 'the change failed after its event was written');
    });
    await expect(attempt).rejects.toThrow('the change failed');
    expect(await auditRows(org.orgId)).toHaveLength(before);
  });

  it('accepts only catalogued fields, so secrets cannot ride along in metadata', async () => {
    const org = await makeOrg('strict');
    const smuggled = {
      actionType: 'LOGOUT',
      metadata: { sessionId: crypto.randomUUID(), password: 'hunter2hunter2' },
    } as unknown as AuditEventInput;
    await expect(runMutation(asUser(org.orgId, org.adminId), (ctx) => record(ctx, smuggled))).rejects.toThrow();
    expect(JSON.stringify(await auditRows(org.orgId))).not.toContain('hunter2');
  });
});
