import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditEvents } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { createGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, makeOrg, makeUser, testRequest, type TestOrg } from '@/lib/test/helpers';
import type { AuditFilter } from './filter';
import { auditEventCounts, findAuditEvent, listAuditEvents, OTHER_SERIES } from './reads';

/**
 * Events from the apps runtime (page, query and resource names, HTTP status, errors) have no
 * writer in lib/ yet, so they are inserted as that ingest would: unchained, with chosen times.
 */
async function insertRuntimeEvent(orgId: string, e: Omit<typeof auditEvents.$inferInsert, 'organizationId'>): Promise<string> {
  const [row] = await getDb()
    .insert(auditEvents)
    .values({ organizationId: orgId, ...e })
    .returning({ id: auditEvents.id });
  return row!.id.toString();
}

async function groupsAs(org: TestOrg, names: string[], request = testRequest()) {
  for (const name of names) await runMutation({ ...asUser(org.orgId, org.adminId), request }, (ctx) => createGroup(ctx, { name }));
}

const HOUR = 3_600_000;

describe('audit viewer reads', () => {
  let org: TestOrg;
  let other: TestOrg;
  let bob: { id: string; email: string; password: string };
  const runtime: Record<string, string> = {};

  async function list(filter: AuditFilter, orgId = org.orgId) {
    return (await listAuditEvents(orgId, filter, { limit: 100 })).events;
  }
  const actions = async (filter: AuditFilter) => (await list(filter)).map((e) => e.actionType);
  const ids = async (filter: AuditFilter) => (await list(filter)).map((e) => e.id).sort();

  beforeAll(async () => {
    org = await makeOrg('viewer');
    other = await makeOrg('viewer-other');
    bob = await makeUser(org.orgId, { label: 'bob' });
    const shared = testRequest({ requestId: 'req-viewer-shared', ipAddress: '198.51.100.1' });
    await groupsAs(org, ['Beta 100%', 'Gamma 1000'], shared);
    await groupsAs(other, ['Beta 100%'], shared);
    await signInWithPassword({ orgSlug: org.slug, email: bob.email, password: bob.password }, testRequest({ ipAddress: '198.51.100.2' }));
    await signInWithPassword(
      { orgSlug: org.slug, email: bob.email, password: 'not the password' },
      testRequest({ ipAddress: '198.51.100.2' }),
    );

    const old = new Date(Date.now() - 72 * HOUR);
    runtime.page = await insertRuntimeEvent(org.orgId, { actionType: 'PAGE_VIEW', pageName: 'Billing', createdAt: old });
    runtime.appName = await insertRuntimeEvent(org.orgId, {
      actionType: 'QUERY_RUN',
      metadata: { appName: 'Billing' },
      queryName: 'getInvoices',
      createdAt: old,
    });
    runtime.resource = await insertRuntimeEvent(org.orgId, {
      actionType: 'QUERY_RUN',
      resourceName: 'Stripe',
      metadata: { status: 200 },
      createdAt: old,
    });
    runtime.status = await insertRuntimeEvent(org.orgId, { actionType: 'QUERY_RUN', metadata: { status: '502' }, createdAt: old });
    runtime.error = await insertRuntimeEvent(org.orgId, {
      actionType: 'QUERY_RUN',
      metadata: { error: 'timeout', status: 'n/a' },
      createdAt: old,
    });
    await insertRuntimeEvent(other.orgId, {
      actionType: 'QUERY_RUN',
      pageName: 'Billing',
      queryName: 'getInvoices',
      resourceName: 'Stripe',
      metadata: { error: 'x' },
    });
  });

  it('filters by action types', async () => {
    expect((await actions({ actionTypes: ['CREATE_GROUP'] })).sort()).toEqual(['CREATE_GROUP', 'CREATE_GROUP']);
    expect((await actions({ actionTypes: ['LOGIN', 'LOGIN_FAILED'] })).sort()).toEqual(['LOGIN', 'LOGIN_FAILED']);
  });

  it('filters by user id, or by the email in the event’s user snapshot, in any case', async () => {
    expect(await actions({ userId: bob.id, actionTypes: ['LOGIN'] })).toEqual(['LOGIN']);
    const byEmail = await list({ userEmail: bob.email.toUpperCase() });
    expect(byEmail.length).toBeGreaterThan(0);
    expect(byEmail.every((e) => e.userId === bob.id)).toBe(true);
    expect(await list({ userEmail: 'nobody@viewer.test' })).toEqual([]);
  });

  it('filters by time range, From inclusive and To exclusive', async () => {
    const now = Date.now();
    const recent = await ids({ from: new Date(now - HOUR) });
    expect(recent).not.toContain(runtime.page);
    expect(recent.length).toBeGreaterThan(0);
    expect(await ids({ to: new Date(now - HOUR) })).toEqual(Object.values(runtime).sort());
    const [page] = await list({ actionTypes: ['PAGE_VIEW'] });
    expect(await ids({ from: page!.createdAt, to: new Date(page!.createdAt.getTime() + 1), actionTypes: ['PAGE_VIEW'] })).toEqual([
      runtime.page,
    ]);
    expect(await ids({ to: page!.createdAt, actionTypes: ['PAGE_VIEW'] })).toEqual([]);
  });

  it('filters by request id and IP address', async () => {
    expect(await actions({ requestId: 'req-viewer-shared' })).toEqual(['CREATE_GROUP', 'CREATE_GROUP']);
    expect((await actions({ ip: '198.51.100.2' })).sort()).toEqual(['LOGIN', 'LOGIN_FAILED']);
    expect(await list({ ip: '198.51.100' })).toEqual([]);
  });

  it('filters by app (page name or metadata appName), query and resource', async () => {
    expect(await ids({ app: 'Billing' })).toEqual([runtime.page, runtime.appName].sort());
    expect(await ids({ query: 'getInvoices' })).toEqual([runtime.appName]);
    expect(await ids({ resource: 'Stripe' })).toEqual([runtime.resource]);
  });

  it('shows errors only: *_FAILED, a status of 400 or more, or an error in the metadata', async () => {
    const errors = await list({ errorsOnly: true });
    expect(errors.map((e) => e.actionType).sort()).toEqual(['LOGIN_FAILED', 'QUERY_RUN', 'QUERY_RUN']);
    expect(errors.map((e) => e.id)).toEqual(expect.arrayContaining([runtime.status, runtime.error]));
  });

  it('searches the metadata as text, matching % and _ literally', async () => {
    expect((await list({ text: 'beta 100%' })).map((e) => e.metadata.groupName)).toEqual(['Beta 100%']);
    expect((await list({ text: '100%' })).map((e) => e.metadata.groupName)).toEqual(['Beta 100%']);
    expect(await list({ text: 'Beta_100' })).toEqual([]);
    expect(await ids({ text: 'timeout' })).toEqual([runtime.error]);
  });

  it('combines filters with AND', async () => {
    expect(await actions({ requestId: 'req-viewer-shared', text: 'gamma' })).toEqual(['CREATE_GROUP']);
    expect(await list({ actionTypes: ['LOGIN'], errorsOnly: true })).toEqual([]);
  });

  it('never shows another organization’s events, whatever the filter', async () => {
    const otherIds = new Set((await list({}, other.orgId)).map((e) => e.id));
    expect(otherIds.size).toBeGreaterThan(0);
    const filters: AuditFilter[] = [
      {},
      { requestId: 'req-viewer-shared' },
      { ip: '198.51.100.1' },
      { text: 'Beta' },
      { app: 'Billing' },
      { query: 'getInvoices' },
      { resource: 'Stripe' },
      { errorsOnly: true },
      { actionTypes: ['CREATE_GROUP', 'QUERY_RUN'] },
      { userId: other.adminId },
    ];
    for (const f of filters) expect((await list(f)).filter((e) => otherIds.has(e.id))).toEqual([]);
    expect(await list({ userId: other.adminId })).toEqual([]);
    expect(await findAuditEvent(org.orgId, [...otherIds][0]!)).toBeNull();
    const counts = await auditEventCounts(org.orgId, { requestId: 'req-viewer-shared' });
    expect(counts.bars.reduce((n, b) => n + b.total, 0)).toBe(2);
  });

  it('finds one event with every stored column', async () => {
    const [event] = await list({ requestId: 'req-viewer-shared', text: 'gamma' });
    const detail = await findAuditEvent(org.orgId, event!.id);
    expect(detail).toMatchObject({
      id: event!.id,
      organizationId: org.orgId,
      actionType: 'CREATE_GROUP',
      userId: org.adminId,
      ipAddress: '198.51.100.1',
      requestId: 'req-viewer-shared',
      pageName: null,
      queryName: null,
      resourceName: null,
      geoLocation: null,
      responseTimeMs: null,
      metadata: { groupName: 'Gamma 1000' },
      user: { id: org.adminId, email: org.email },
    });
    expect(detail!.seq).toBeGreaterThan(0);
    expect(detail!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(detail!.prevHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await findAuditEvent(org.orgId, 'not-an-id')).toBeNull();
    expect(await findAuditEvent(org.orgId, '99999999999999999999')).toBeNull();
  });
});

describe('audit viewer pagination', () => {
  it('keeps its pages while new events arrive, in both directions', async () => {
    const org = await makeOrg('pages');
    await groupsAs(org, ['G1', 'G2', 'G3', 'G4', 'G5']);
    const filter: AuditFilter = { actionTypes: ['CREATE_GROUP'] };
    const names = (p: { events: { metadata: Record<string, unknown> }[] }) => p.events.map((e) => e.metadata.groupName);

    const first = await listAuditEvents(org.orgId, filter, { limit: 2 });
    expect(names(first)).toEqual(['G5', 'G4']);
    expect(first.newer).toBeNull();
    await groupsAs(org, ['G6', 'G7']);

    const second = await listAuditEvents(org.orgId, filter, { limit: 2, after: first.next! });
    expect(names(second)).toEqual(['G3', 'G2']);
    const third = await listAuditEvents(org.orgId, filter, { limit: 2, after: second.next! });
    expect(names(third)).toEqual(['G1']);
    expect(third.next).toBeNull();

    const back = await listAuditEvents(org.orgId, filter, { limit: 2, newerThan: second.newer! });
    expect(names(back)).toEqual(['G5', 'G4']);
    const top = await listAuditEvents(org.orgId, filter, { limit: 2, newerThan: back.newer! });
    expect(names(top)).toEqual(['G7', 'G6']);
    expect(top.newer).toBeNull();
    expect(names(await listAuditEvents(org.orgId, filter, { limit: 2, after: top.next! }))).toEqual(['G5', 'G4']);
  });
});

describe('audit event counts', () => {
  const now = new Date('2024-05-10T12:00:00Z');
  const at = (minutesBefore: number) => new Date(now.getTime() - minutesBefore * 60_000);

  it('counts per bucket and action type, the top six named and the rest as Other', async () => {
    const org = await makeOrg('counts');
    const plan: [string, number][] = [
      ['A_EVENT', 5],
      ['B_EVENT', 4],
      ['C_EVENT', 3],
      ['D_EVENT', 3],
      ['E_EVENT', 2],
      ['F_EVENT', 2],
      ['G_EVENT', 1],
      ['H_EVENT', 1],
    ];
    for (const [actionType, n] of plan) {
      for (let i = 0; i < n; i++) await insertRuntimeEvent(org.orgId, { actionType, createdAt: at(i === 0 ? 2 : 58) });
    }
    await insertRuntimeEvent(org.orgId, { actionType: 'A_EVENT', createdAt: at(120) });

    const chart = await auditEventCounts(org.orgId, { from: at(60), to: now });
    expect(chart.bucket).toBe('5 minutes');
    expect(chart.series).toEqual(['A_EVENT', 'B_EVENT', 'C_EVENT', 'D_EVENT', 'E_EVENT', 'F_EVENT', OTHER_SERIES]);
    expect(chart.bars).toHaveLength(12);
    expect(chart.bars[0]!.start).toEqual(at(60));
    expect(chart.bars[0]).toMatchObject({ counts: [4, 3, 2, 2, 1, 1, 0], total: 13 });
    expect(chart.bars[11]).toMatchObject({ start: at(5), counts: [1, 1, 1, 1, 1, 1, 2], total: 8 });
    expect(chart.bars.slice(1, 11).every((b) => b.total === 0)).toBe(true);

    const day = await auditEventCounts(org.orgId, { actionTypes: ['A_EVENT'] }, { bucket: '1 hour', now });
    expect(day.series).toEqual(['A_EVENT']);
    expect(day.bars.map((b) => [b.start.toISOString(), b.total])).toEqual([
      ['2024-05-10T10:00:00.000Z', 1],
      ['2024-05-10T11:00:00.000Z', 5],
    ]);
  });

  it('starts at the oldest matching event when there is no From, and is empty when nothing matches', async () => {
    const org = await makeOrg('counts2');
    await insertRuntimeEvent(org.orgId, { actionType: 'QUERY_RUN', createdAt: new Date(now.getTime() - 3 * 86_400_000) });
    const chart = await auditEventCounts(org.orgId, { actionTypes: ['QUERY_RUN'] }, { now });
    expect(chart.bucket).toBe('1 hour');
    expect(chart.bars).toHaveLength(72);
    expect(chart.bars[0]).toMatchObject({ start: new Date('2024-05-07T12:00:00Z'), total: 1 });
    expect(await auditEventCounts(org.orgId, { actionTypes: ['NOTHING'] }, { now })).toEqual({ bucket: '5 minutes', series: [], bars: [] });
  });
});
