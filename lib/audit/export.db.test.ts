import { describe, expect, it } from 'vitest';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { auditExportLines, parseAuditExport, startAuditExport, type AuditExport } from './export';

function exportOf(query: string): AuditExport {
  const parsed = parseAuditExport(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.problems.join(' '));
  return parsed.value;
}

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

    const csv = await collect(auditExportLines(org.orgId, exportOf('format=csv'), 2));
    expect(csv[0]).toBe('id,createdAt,actionType,userId,userEmail,ipAddress,requestId,metadata\r\n');
    expect(csv).toHaveLength(1 + 6);
    expect(csv[1]).toContain('CREATE_GROUP');
    expect(csv.at(-1)).toContain('CREATE_ORGANIZATION');
    // The formula-like name sits inside the JSON metadata cell, quoted with its quotes doubled (RFC 4180).
    expect(csv[1]).toMatch(/,"\{"".*\}"\r\n$/);
    expect(csv[1]).toContain('""groupName"":""=HYPERLINK(\\""x\\"")""');

    const ndjson = (await collect(auditExportLines(org.orgId, exportOf('format=ndjson&actionType=CREATE_GROUP'), 3))).map((l) =>
      JSON.parse(l),
    );
    expect(ndjson.map((e) => e.metadata.groupName)).toEqual(['=HYPERLINK("x")', 'C', 'B', 'A']);
    expect(ndjson[0]).toMatchObject({ organizationId: org.orgId, actionType: 'CREATE_GROUP', userId: org.adminId });
  });

  it('is for audit-log viewers only, and is itself audited', async () => {
    const org = await makeOrg('export2');
    const bob = await makeUser(org.orgId);
    expect(await rejection(runMutation(asUser(org.orgId, bob.id), (ctx) => startAuditExport(ctx, exportOf(''))))).toMatchObject({
      code: 'forbidden',
    });
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => startAuditExport(ctx, exportOf('format=ndjson&action=LOGIN')));
    expect((await auditRows(org.orgId)).at(-1)).toMatchObject({
      actionType: 'DOWNLOAD_AUDIT_LOGS',
      userId: org.adminId,
      metadata: { format: 'ndjson', filter: { actionType: 'LOGIN', userId: null, from: null, to: null, text: null, errorsOnly: false } },
    });
  });

  it("takes the viewer's filter, records the range it resolved to, and refuses what it cannot read", async () => {
    const org = await makeOrg('export3');
    const admin = asUser(org.orgId, org.adminId);
    for (const name of ['Red', 'Blue']) await runMutation(admin, (ctx) => createGroup(ctx, { name }));
    const lines = await collect(auditExportLines(org.orgId, exportOf('format=ndjson&action=CREATE_GROUP&q=blu&range=24h')));
    expect(lines.map((l) => JSON.parse(l).metadata.groupName)).toEqual(['Blue']);

    const now = new Date();
    const input = parseAuditExport(new URLSearchParams('range=1h&action=LOGIN,LOGOUT&ip=203.0.113.7&q=blue&errors=1'), now);
    if (!input.ok) throw new Error(input.problems.join(' '));
    await runMutation(admin, (ctx) => startAuditExport(ctx, input.value));
    // The whole filter is on record, so an auditor can tell what left the system.
    expect((await auditRows(org.orgId)).at(-1)?.metadata).toEqual({
      format: 'csv',
      filter: {
        actionType: 'LOGIN,LOGOUT',
        userId: null,
        from: new Date(now.getTime() - 3_600_000).toISOString(),
        to: null,
        userEmail: null,
        requestId: null,
        app: null,
        query: null,
        resource: null,
        ip: '203.0.113.7',
        text: 'blue',
        errorsOnly: true,
      },
    });

    expect(parseAuditExport(new URLSearchParams('action=NOPE'))).toEqual({
      ok: false,
      problems: ['Ignored action type "NOPE": not a known action type.'],
    });
    expect(parseAuditExport(new URLSearchParams('format=xml')).ok).toBe(false);
  });
});
