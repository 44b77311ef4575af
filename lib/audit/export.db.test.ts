import { describe, expect, it } from 'vitest';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { auditExportInput, auditExportLines, startAuditExport } from './export';

async function collect(gen: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of gen) out.push(line);
  return out;
}

describe('audit export', () => {
  it('streams every matching event newest first, in keyset batches, as CSV or NDJSON', async () => {
    const org = await makeOrg('export');
    const admin = asUser(org.orgId, org.adminId);
    for (const name of ['A', 'B', 'C', '=HYPERLINK("x")']) await runMutation(admin, (ctx) => createGroup(ctx, { name }));

    const csv = await collect(auditExportLines(org.orgId, auditExportInput.parse({ format: 'csv' }), 2));
    expect(csv[0]).toBe('id,createdAt,actionType,userId,userEmail,ipAddress,requestId,metadata\r\n');
    expect(csv).toHaveLength(1 + 6);
    expect(csv[1]).toContain('CREATE_GROUP');
    expect(csv.at(-1)).toContain('CREATE_ORGANIZATION');
    expect(csv.join('')).not.toContain(',=HYPERLINK');

    const ndjson = (await collect(auditExportLines(org.orgId, auditExportInput.parse({ format: 'ndjson', actionType: 'CREATE_GROUP' }), 3))).map((l) => JSON.parse(l));
    expect(ndjson.map((e) => e.metadata.groupName)).toEqual(['=HYPERLINK("x")', 'C', 'B', 'A']);
    expect(ndjson[0]).toMatchObject({ organizationId: org.orgId, actionType: 'CREATE_GROUP', userId: org.adminId });
  });

  it('is for audit-log viewers only, and is itself audited', async () => {
    const org = await makeOrg('export2');
    const bob = await makeUser(org.orgId);
    expect(await rejection(runMutation(asUser(org.orgId, bob.id), (ctx) => startAuditExport(ctx, auditExportInput.parse({}))))).toMatchObject({ code: 'forbidden' });
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => startAuditExport(ctx, auditExportInput.parse({ format: 'ndjson', actionType: 'LOGIN' })));
    expect((await auditRows(org.orgId)).at(-1)).toMatchObject({
      actionType: 'DOWNLOAD_AUDIT_LOGS',
      userId: org.adminId,
      metadata: { format: 'ndjson', filter: { actionType: 'LOGIN', userId: null, from: null, to: null } },
    });
  });
});
