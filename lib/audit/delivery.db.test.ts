// Streaming to real local receivers speaking the Datadog Logs, Splunk HEC and webhook protocols.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditSinks } from '@/db/schema';
import { createGroup } from '@/lib/groups/writes';
import { currentKeyring } from '@/lib/keys/keyring';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, rejection, type TestOrg } from '@/lib/test/helpers';
import { decryptSecret } from '@/lib/crypto/envelope';
import { deliverAuditEvents, startAuditDeliveryLoop } from './delivery';
import { webhookSignature } from './sink-formats';
import { createSinkInput } from './sink-inputs';
import { createSink, deleteSink, listSinks, setSinkPaused, testSink } from './sinks';
import { secretContext } from './sink-formats';

/** An accepted (2xx) request. */
type Received = { headers: IncomingMessage['headers']; body: string };
type Receiver = { url: string; received: Received[]; ids: () => string[]; respond: (fn: Responder) => void; close: () => Promise<void> };
type Responder = (req: Received) => { status: number; headers?: Record<string, string>; hang?: boolean; delayMs?: number };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

/** A receiver that records every request and answers as `respond` says (202 by default). */
async function receiver(parse: (body: string) => { id: string }[]): Promise<Receiver> {
  const received: Received[] = [];
  let responder: Responder = () => ({ status: 202 });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const entry = { headers: req.headers, body };
      const answer = responder(entry);
      if (answer.hang) return; // never answers: the sender times out
      setTimeout(() => {
        if (answer.status < 300) received.push(entry); // what the receiver accepted
        res.writeHead(answer.status, answer.headers).end('{}');
      }, answer.delayMs ?? 0);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    ids: () => received.flatMap((r) => parse(r.body).map((e) => e.id)),
    respond: (fn) => (responder = fn),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const datadogIds = (body: string) => (JSON.parse(body) as { gatehouse: { id: string } }[]).map((e) => e.gatehouse);
const splunkIds = (body: string) => body.split('\n').map((l) => (JSON.parse(l) as { event: { id: string } }).event);
const webhookIds = (body: string) => (JSON.parse(body) as { events: { id: string }[] }).events;

async function addSink(org: TestOrg, input: Record<string, unknown>) {
  return runMutation(asUser(org.orgId, org.adminId), (ctx) => createSink(ctx, createSinkInput.parse(input)));
}

async function makeGroups(org: TestOrg, n: number, prefix = 'g') {
  for (let i = 0; i < n; i++)
    await runMutation(asUser(org.orgId, org.adminId), (ctx) => createGroup(ctx, { name: `${prefix}${i}-${Math.random()}` }));
}

/** Runs delivery rounds until nothing is left (or `rounds` runs out), moving a fake clock past backoffs. */
async function drainAll(org: TestOrg, opts: { rounds?: number; timeoutMs?: number } = {}) {
  let clock = Date.now();
  for (let i = 0; i < (opts.rounds ?? 50); i++) {
    await deliverAuditEvents({ organizationId: org.orgId, now: () => new Date(clock), timeoutMs: opts.timeoutMs ?? 2000 });
    if ((await listSinks(org.orgId)).every((s) => !s.enabled || s.lagEvents === 0)) return;
    clock += 6 * 60_000;
  }
}

describe('audit streaming', () => {
  it('delivers every event to a Datadog-compatible receiver, in order, with the API key', async () => {
    const org = await makeOrg('dd');
    const dd = await receiver(datadogIds);
    const sink = await addSink(org, {
      name: 'Datadog',
      kind: 'datadog',
      url: dd.url,
      secret: 'dd-api-key-123',
      service: 'gatehouse-test',
      tags: 'env:test',
    });
    await makeGroups(org, 5);
    await drainAll(org);
    const events = (await auditRows(org.orgId)).filter((e) => e.seq! > 2); // after sign-up and org creation
    expect(dd.ids()).toEqual(events.map((e) => e.id));
    expect(dd.received[0]!.headers['dd-api-key']).toBe('dd-api-key-123');
    const first = JSON.parse(dd.received[0]!.body)[0];
    expect(first).toMatchObject({
      ddsource: 'gatehouse',
      service: 'gatehouse-test',
      ddtags: 'env:test',
      evt: { name: 'AUDIT_SINK_CREATED' },
    });
    const [status] = await listSinks(org.orgId);
    expect(status).toMatchObject({ id: sink.id, lagEvents: 0, deliveredCount: events.length, lastError: null });
    expect(status!.lastSuccessAt).not.toBeNull();
  });

  it('stores the secret encrypted and bound to its row', async () => {
    const org = await makeOrg('enc');
    const sink = await addSink(org, { name: 'Hook', kind: 'webhook', url: 'https://hooks.example.test/in', secret: 'whsec-plain' });
    const [row] = await getDb().select().from(auditSinks).where(eq(auditSinks.id, sink.id));
    expect(row!.secret).not.toContain('whsec-plain');
    expect(decryptSecret(row!.secret, secretContext(row!), currentKeyring())).toBe('whsec-plain');
    expect(() => decryptSecret(row!.secret, secretContext({ ...row!, id: crypto.randomUUID() }), currentKeyring())).toThrow();
    expect(JSON.stringify(await auditRows(org.orgId))).not.toContain('whsec-plain');
  });

  it('sends a test event on request and audits the check', async () => {
    const org = await makeOrg('test-event');
    const hook = await receiver(webhookIds);
    const sink = await addSink(org, { name: 'Hook', kind: 'webhook', url: hook.url, secret: 's' });
    const admin = asUser(org.orgId, org.adminId);
    expect(await runMutation(admin, (ctx) => testSink(ctx, { sinkId: sink.id }))).toEqual({ ok: true, status: 202, error: null });
    expect(JSON.parse(hook.received[0]!.body).events[0]).toMatchObject({
      actionType: 'AUDIT_SINK_TEST',
      user: { email: org.email },
      seq: null,
    });
    hook.respond(() => ({ status: 401 }));
    expect(await runMutation(admin, (ctx) => testSink(ctx, { sinkId: sink.id }))).toMatchObject({
      ok: false,
      status: 401,
      error: expect.stringContaining('401'),
    });
    const tested = (await auditRows(org.orgId)).filter((e) => e.actionType === 'AUDIT_SINK_TESTED');
    expect(tested.map((e) => e.metadata.ok)).toEqual([true, false]);
    // The test event is not part of the log: the cursor has not moved past real events.
    expect((await listSinks(org.orgId))[0]!.deliveredCount).toBe(0);
  });

  it('loses nothing while the receiver answers 500, 429 and times out, then drains the backlog', async () => {
    const org = await makeOrg('flaky');
    const dd = await receiver(datadogIds);
    let calls = 0;
    dd.respond(() => {
      calls++;
      if (calls <= 2) return { status: 500 };
      if (calls === 3) return { status: 429, headers: { 'retry-after': '30' } };
      if (calls === 4) return { status: 503 };
      if (calls === 5) return { status: 202, hang: true };
      return { status: 202 };
    });
    await addSink(org, { name: 'Flaky', kind: 'datadog', url: dd.url, secret: 'k' });
    await makeGroups(org, 20);
    const afterFirstFailure = await deliverAuditEvents({ organizationId: org.orgId, timeoutMs: 500 });
    expect(afterFirstFailure).toMatchObject({ delivered: 0, failed: 1 });
    const [failing] = await listSinks(org.orgId);
    expect(failing).toMatchObject({ failures: 1, lastError: expect.stringContaining('500') });
    expect(failing!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    await drainAll(org, { timeoutMs: 500 });
    const expected = (await auditRows(org.orgId)).filter((e) => e.seq! > 2).map((e) => e.id);
    expect([...new Set(dd.ids())].sort()).toEqual([...expected].sort());
    expect((await listSinks(org.orgId))[0]).toMatchObject({ lagEvents: 0, failures: 0 });
  });

  it('never sends one event twice when several instances deliver at once', async () => {
    const org = await makeOrg('multi');
    const dd = await receiver(datadogIds);
    await addSink(org, { name: 'Datadog', kind: 'datadog', url: dd.url, secret: 'k' });
    for (let round = 0; round < 5; round++) {
      await makeGroups(org, 6, `r${round}-`);
      await Promise.all(['a', 'b', 'c'].map((owner) => deliverAuditEvents({ owner, organizationId: org.orgId })));
    }
    await drainAll(org);
    const ids = dd.ids();
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.length).toBe((await auditRows(org.orgId)).filter((e) => e.seq! > 2).length);
  });

  it('speaks Splunk HEC and signed webhooks; backfills from a date; disabled sinks wait', async () => {
    const org = await makeOrg('kinds');
    await makeGroups(org, 3, 'before-');
    const hec = await receiver(splunkIds);
    const hook = await receiver(webhookIds);
    await addSink(org, { name: 'Splunk', kind: 'splunk', url: `${hec.url}/services/collector/event`, secret: 'hec-token', index: 'audit' });
    const webhook = await addSink(org, {
      name: 'Hook',
      kind: 'webhook',
      url: `${hook.url}/gatehouse`,
      secret: 'whsec',
      backfillFrom: '2000-01-01T00:00:00Z',
    });
    await drainAll(org);
    expect(hec.received[0]!.headers.authorization).toBe('Splunk hec-token');
    expect(JSON.parse(hec.received[0]!.body.split('\n')[0]!)).toMatchObject({
      sourcetype: 'gatehouse:audit',
      index: 'audit',
      event: { actionType: 'AUDIT_SINK_CREATED' },
    });
    // The backfilled webhook got everything since the organization was created; Splunk only what followed it.
    const all = (await auditRows(org.orgId)).map((e) => e.id);
    expect(hook.ids()).toEqual(all);
    expect(hec.ids()).toEqual(all.slice(all.length - 2));
    const r = hook.received[0]!;
    const ts = r.headers['x-gatehouse-timestamp'] as string;
    expect(r.headers['x-gatehouse-signature']).toBe(`v1=${webhookSignature('whsec', ts, r.body)}`);

    const admin = asUser(org.orgId, org.adminId);
    await runMutation(admin, (ctx) => setSinkPaused(ctx, { sinkId: webhook.id, paused: true }));
    const before = hook.ids().length;
    await makeGroups(org, 2, 'while-off-');
    await drainAll(org);
    expect(hook.ids().length).toBe(before);
    await runMutation(admin, (ctx) => setSinkPaused(ctx, { sinkId: webhook.id, paused: false }));
    await drainAll(org);
    expect(hook.ids()).toEqual((await auditRows(org.orgId)).map((e) => e.id));
    await runMutation(admin, (ctx) => deleteSink(ctx, { sinkId: webhook.id }));
    expect((await auditRows(org.orgId)).map((e) => e.actionType)).toEqual(
      expect.arrayContaining(['AUDIT_SINK_DISABLED', 'AUDIT_SINK_ENABLED', 'AUDIT_SINK_DELETED']),
    );
  });

  it('a stopping delivery loop finishes the batch in flight, releases its lease and sends nothing more', async () => {
    const org = await makeOrg('stop');
    const hook = await receiver(webhookIds);
    const sink = await addSink(org, { kind: 'webhook', name: 'Hook', url: hook.url, secret: 'stop-secret' });
    await makeGroups(org, 120); // more than one webhook batch (100 events)
    let requests = 0;
    hook.respond(() => (requests++, { status: 202, delayMs: 300 }));
    const stop = startAuditDeliveryLoop(20, { organizationId: org.orgId });
    while (requests === 0) await new Promise((r) => setTimeout(r, 10));
    await stop();
    expect(requests).toBe(1);
    expect(hook.received).toHaveLength(1);
    const [row] = await getDb().select().from(auditSinks).where(eq(auditSinks.id, sink.id));
    expect(row).toMatchObject({ leaseOwner: null, leaseUntil: null, deliveredCount: 100 });
    await new Promise((r) => setTimeout(r, 100));
    expect(requests).toBe(1); // no round after stop
    // Nothing was lost: the next round (another instance's) resumes from the cursor at once.
    hook.respond(() => ({ status: 202 }));
    await drainAll(org);
    const all = (await auditRows(org.orgId)).map((e) => e.id);
    expect(hook.ids().length).toBeGreaterThan(120);
    expect(hook.ids()).toEqual(all.slice(all.length - hook.ids().length));
  });

  it('refuses bad destinations with field errors, and non-admins', async () => {
    const bad = createSinkInput.safeParse({ name: '', kind: 'webhook', url: 'http://example.test/in', secret: '' });
    expect(bad.success).toBe(false);
    const fields = bad.error!.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['name', 'secret']));
    for (const url of ['http://example.test/in', 'https://169.254.169.254/latest', 'https://user:pw@example.test/', 'not a url']) {
      const r = createSinkInput.safeParse({ name: 'x', kind: 'webhook', url, secret: 's' });
      expect(r.success, url).toBe(false);
    }
    expect(createSinkInput.parse({ name: 'x', kind: 'datadog', site: 'datadoghq.eu', secret: 's' }).url).toBe(
      'https://http-intake.logs.datadoghq.eu',
    );
    const org = await makeOrg('deny');
    const { makeUser } = await import('@/lib/test/helpers');
    const bob = await makeUser(org.orgId);
    expect(
      await rejection(
        runMutation(asUser(org.orgId, bob.id), (ctx) =>
          createSink(ctx, createSinkInput.parse({ name: 'x', kind: 'webhook', url: 'https://h.example.test', secret: 's' })),
        ),
      ),
    ).toMatchObject({ code: 'forbidden' });
  });
});
