// The one implementation of streaming destinations behind the settings page, the API and the CLI:
// its validation per kind, changes (settings, secret, pause) each audited in their transaction, and
// the test action against local peers that refuse what the real Splunk, Datadog and webhook
// receivers refuse.
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditSinks } from '@/db/schema';
import { decryptSecret } from '@/lib/crypto/envelope';
import { AppError } from '@/lib/errors';
import { currentKeyring } from '@/lib/keys/keyring';
import { runMutation, type MutationCtx } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, makeUser, type TestOrg } from '@/lib/test/helpers';
import { datadogPeer, splunkHecPeer, webhookPeer, type Peer } from '@/lib/test/sink-peers';
import { deliverAuditEvents } from './delivery';
import { secretContext } from './sink-formats';
import { createSinkInput, updateSinkInput } from './sink-inputs';
import { createSink, deleteSink, getSinkStatus, listSinks, setSinkPaused, sinkView, testSink, updateSink } from './sinks';

const peers: Peer<unknown>[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});
async function peer<E>(p: Promise<Peer<E>>): Promise<Peer<E>> {
  const started = await p;
  peers.push(started as Peer<unknown>);
  return started;
}

const as = (org: TestOrg) => asUser(org.orgId, org.adminId);
const add = (org: TestOrg, input: Record<string, unknown>) => runMutation(as(org), (ctx) => createSink(ctx, createSinkInput.parse(input)));
const change = (org: TestOrg, input: Record<string, unknown>) =>
  runMutation(as(org), (ctx) => updateSink(ctx, updateSinkInput.parse(input)));

/** The field errors a parse gives, by field. */
function problems(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  return Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.') || '_', i.message]));
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const storedSecret = async (id: string) => {
  const [row] = await getDb().select().from(auditSinks).where(eq(auditSinks.id, id));
  return decryptSecret(row!.secret, secretContext(row!), currentKeyring());
};

describe('streaming destinations (lib/audit/sinks)', () => {
  it('refuses settings a kind does not take, a site for a URL, unknown fields and unsafe URLs, each on its field', () => {
    expect(
      problems(
        createSinkInput.safeParse({ name: 'D', kind: 'datadog', secret: 'k', index: 'main', sourcetype: 'x', service: 'gatehouse' }),
      ),
    ).toEqual({ index: 'Only Splunk destinations take an index.', sourcetype: 'Only Splunk destinations take a source type.' });
    expect(
      problems(createSinkInput.safeParse({ name: 'S', kind: 'splunk', url: 'https://s.example.test', secret: 'k', tags: 'a:b' })),
    ).toEqual({
      tags: 'Only Datadog destinations take tags.',
    });
    expect(problems(createSinkInput.safeParse({ name: 'W', kind: 'webhook', site: 'datadoghq.eu', secret: 'k' }))).toEqual({
      site: 'Only Datadog destinations take a site; give the URL instead.',
      url: 'Enter the URL events are sent to.',
    });
    expect(problems(createSinkInput.safeParse({ name: 'D', kind: 'datadog', site: 'datadoghq.xx', secret: 'k' }))).toEqual({
      site: 'Choose a Datadog site: datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ddog-gov.com.',
    });
    expect(
      problems(createSinkInput.safeParse({ name: '', kind: 'splunk', url: 'https://s.example.test', secret: ' ', sourceType: 'x' })),
    ).toEqual({
      _: 'Unrecognized key: "sourceType"',
      name: 'Name the destination.',
      secret: 'Enter the API key, HEC token or signing secret.',
    });
    for (const [url, message] of [
      ['http://splunk.example.test:8088/services/collector/event', 'Use an https URL (plain http is allowed only to localhost).'],
      ['https://169.254.169.254/latest', 'Link-local addresses are not allowed.'],
      ['https://user:token@hooks.example.test/', 'Put credentials in the secret field, not in the URL.'],
      ['hooks.example.test/in', 'Enter a full URL, e.g. https://logs.example.com/ingest.'],
      [`https://h.example.test/${'x'.repeat(2000)}`, 'Use at most 2,000 characters.'],
    ])
      expect(problems(createSinkInput.safeParse({ name: 'W', kind: 'webhook', url, secret: 'k' })), url).toEqual({ url: message });
    // A URL overrides the site; without either, Datadog's US1 intake.
    expect(createSinkInput.parse({ name: 'D', kind: 'datadog', secret: 'k' })).toMatchObject({
      url: 'https://http-intake.logs.datadoghq.com',
      options: {},
    });
    expect(createSinkInput.parse({ name: 'D', kind: 'datadog', site: 'datadoghq.eu', url: '', secret: 'k', tags: '' }).url).toBe(
      'https://http-intake.logs.datadoghq.eu',
    );
  });

  it('changes settings and rotates the secret in one audited change; the event names what changed, never the secret', async () => {
    const org = await makeOrg('sink-upd');
    const hec = await peer(splunkHecPeer('hec-new-token', { indexes: ['audit', 'security'] }));
    const { id } = await add(org, {
      name: 'Splunk',
      kind: 'splunk',
      url: `${hec.origin}/services/collector/event`,
      secret: 'hec-old-token',
      index: 'audit',
    });

    // The old token is refused by the collector; delivery fails and backs off.
    await deliverAuditEvents({ organizationId: org.orgId });
    expect(await getSinkStatus(org.orgId, id)).toMatchObject({
      failures: 1,
      lastError: 'HTTP 403 Forbidden: {"text":"Invalid token","code":4}',
    });
    expect(hec.refused).toHaveLength(1);

    expect(
      await change(org, { sinkId: id, name: 'Splunk (security)', secret: 'hec-new-token', index: 'security', sourcetype: 'gh:audit' }),
    ).toEqual({ changed: ['name', 'index', 'sourcetype', 'secret'] });
    expect(await storedSecret(id)).toBe('hec-new-token');
    const updated = await getSinkStatus(org.orgId, id);
    // The new secret is tried at once: the backoff is reset.
    expect(updated).toMatchObject({ name: 'Splunk (security)', options: { index: 'security', sourcetype: 'gh:audit' }, failures: 0 });
    expect(updated!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    await deliverAuditEvents({ organizationId: org.orgId });
    expect(hec.events.map((e) => [e.index, e.sourcetype, e.event.actionType])).toEqual([
      ['security', 'gh:audit', 'AUDIT_SINK_CREATED'],
      ['security', 'gh:audit', 'UPDATE_AUDIT_SINK'],
    ]);

    const rows = await auditRows(org.orgId);
    expect(rows.filter((r) => r.actionType === 'UPDATE_AUDIT_SINK').map((r) => r.metadata)).toEqual([
      expect.objectContaining({
        sinkId: id,
        changed: ['name', 'index', 'sourcetype', 'secret'],
        before: {
          name: 'Splunk',
          url: `${hec.origin}/services/collector/event`,
          service: null,
          tags: null,
          index: 'audit',
          sourcetype: null,
        },
        after: expect.objectContaining({ name: 'Splunk (security)', index: 'security', sourcetype: 'gh:audit' }),
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain('hec-old-token');
    expect(JSON.stringify(rows)).not.toContain('hec-new-token');

    // '' or null clears an option; the same secret again is no change; nothing at all is a conflict.
    expect(await change(org, { sinkId: id, sourcetype: '', secret: 'hec-new-token' })).toEqual({ changed: ['sourcetype'] });
    expect(await change(org, { sinkId: id, index: null })).toEqual({ changed: ['index'] });
    expect(await refusal(change(org, { sinkId: id, name: 'Splunk (security)', secret: '' }))).toMatchObject({
      code: 'conflict',
      message: 'Nothing changed.',
    });
    expect(rows.length + 2).toBe((await auditRows(org.orgId)).length);
  });

  it('checks a change against the stored kind, and a name against the others; a refused change records nothing', async () => {
    const org = await makeOrg('sink-kind');
    const hook = await add(org, { name: 'Hook', kind: 'webhook', url: 'https://hooks.example.test/in', secret: 'whsec-1' });
    const dd = await add(org, { name: 'Datadog', kind: 'datadog', site: 'datadoghq.eu', secret: 'dd-1', service: 'gatehouse' });
    const before = (await auditRows(org.orgId)).length;

    expect(
      await refusal(change(org, { sinkId: hook.id, index: 'main', site: 'datadoghq.com', url: 'https://other.example.test/in' })),
    ).toMatchObject({
      code: 'invalid_input',
      meta: {
        fieldErrors: {
          index: ['Only Splunk destinations take an index.'],
          site: ['Only Datadog destinations take a site; give the URL instead.'],
        },
      },
    });
    expect(await refusal(change(org, { sinkId: hook.id, url: '' }))).toMatchObject({
      meta: { fieldErrors: { url: ['Enter the URL events are sent to.'] } },
    });
    expect(await refusal(change(org, { sinkId: hook.id, url: 'http://hooks.example.test/in' }))).toMatchObject({
      meta: { fieldErrors: { url: ['Use an https URL (plain http is allowed only to localhost).'] } },
    });
    expect(await refusal(change(org, { sinkId: hook.id, name: 'DATADOG' }))).toMatchObject({
      code: 'conflict',
      meta: { fieldErrors: { name: ['A destination with that name already exists.'] } },
    });
    expect(updateSinkInput.safeParse({ sinkId: hook.id, kind: 'splunk' }).success).toBe(false);
    expect((await auditRows(org.orgId)).length).toBe(before);
    expect(await getSinkStatus(org.orgId, hook.id)).toMatchObject({ name: 'Hook', url: 'https://hooks.example.test/in' });

    // Datadog: a site replaces a custom URL and '' returns to the site; the site is shown back.
    expect(await getSinkStatus(org.orgId, dd.id)).toMatchObject({ site: 'datadoghq.eu', url: 'https://http-intake.logs.datadoghq.eu' });
    await change(org, { sinkId: dd.id, url: 'https://dd-proxy.example.test' });
    expect(await getSinkStatus(org.orgId, dd.id)).toMatchObject({ site: null, url: 'https://dd-proxy.example.test' });
    await change(org, { sinkId: dd.id, site: 'us5.datadoghq.com', url: '' });
    expect(await getSinkStatus(org.orgId, dd.id)).toMatchObject({ site: 'us5.datadoghq.com', options: { service: 'gatehouse' } });

    // Another organization's destination is not found.
    const other = await makeOrg('sink-kind-b');
    expect(await refusal(change(other, { sinkId: hook.id, name: 'Mine' }))).toMatchObject({
      code: 'not_found',
      message: 'No such destination.',
    });
  });

  it('pauses and resumes through the same change, refusing a pause of a paused destination; only admins', async () => {
    const org = await makeOrg('sink-pause');
    const hook = await peer(webhookPeer('whsec-pause'));
    const { id } = await add(org, { name: 'Hook', kind: 'webhook', url: hook.origin, secret: 'whsec-pause' });
    expect(await change(org, { sinkId: id, paused: true })).toEqual({ changed: ['paused'] });
    expect(await refusal(change(org, { sinkId: id, paused: true }))).toMatchObject({
      code: 'conflict',
      message: 'This destination is already paused.',
    });
    expect(await refusal(runMutation(as(org), (ctx) => setSinkPaused(ctx, { sinkId: id, paused: true })))).toMatchObject({
      message: 'This destination is already paused.',
    });
    await deliverAuditEvents({ organizationId: org.orgId });
    expect(hook.events).toEqual([]);
    expect(sinkView((await getSinkStatus(org.orgId, id))!)).toMatchObject({ paused: true, secretSet: true, delivery: { lagEvents: 2 } });
    // A rename and a resume at once: two events, one transaction.
    expect(await change(org, { sinkId: id, name: 'Hook 2', paused: false })).toEqual({ changed: ['name', 'resumed'] });
    await deliverAuditEvents({ organizationId: org.orgId });
    expect(hook.events.map((e) => e.actionType)).toEqual([
      'AUDIT_SINK_CREATED',
      'AUDIT_SINK_DISABLED',
      'UPDATE_AUDIT_SINK',
      'AUDIT_SINK_ENABLED',
    ]);
    const tail = (await auditRows(org.orgId)).slice(-2);
    expect(tail.map((r) => [r.actionType, r.requestId])).toEqual([
      ['UPDATE_AUDIT_SINK', tail[0]!.requestId],
      ['AUDIT_SINK_ENABLED', tail[0]!.requestId],
    ]);
    expect(tail[1]!.metadata).toMatchObject({ sinkId: id, name: 'Hook 2' });

    const bob = await makeUser(org.orgId);
    const writes: ((ctx: MutationCtx) => Promise<unknown>)[] = [
      (ctx) => updateSink(ctx, { sinkId: id, paused: true }),
      (ctx) => testSink(ctx, { sinkId: id }),
      (ctx) => deleteSink(ctx, { sinkId: id }),
    ];
    for (const write of writes) expect(await refusal(runMutation(asUser(org.orgId, bob.id), write))).toMatchObject({ code: 'forbidden' });
    expect(await listSinks(org.orgId)).toHaveLength(1);
  });

  it('tests each kind against a peer that checks it as the real one does, and reports a refusal with what the peer said', async () => {
    const org = await makeOrg('sink-test');
    const hec = await peer(splunkHecPeer('hec-token', { indexes: ['audit'] }));
    const hook = await peer(webhookPeer('whsec-right'));
    const dd = await peer(datadogPeer('dd-key'));
    const splunk = await add(org, {
      name: 'Splunk',
      kind: 'splunk',
      url: `${hec.origin}/services/collector/event`,
      secret: 'hec-token',
      index: 'audit',
    });
    const webhook = await add(org, { name: 'Hook', kind: 'webhook', url: `${hook.origin}/in`, secret: 'whsec-wrong' });
    const datadog = await add(org, { name: 'Datadog', kind: 'datadog', url: dd.origin, secret: 'dd-key' });
    const test = (sinkId: string) => runMutation(as(org), (ctx) => testSink(ctx, { sinkId }));

    expect(await test(splunk.id)).toEqual({ ok: true, status: 200, error: null });
    expect(hec.events).toEqual([
      {
        time: expect.any(Number),
        source: 'gatehouse',
        sourcetype: 'gatehouse:audit',
        index: 'audit',
        event: expect.objectContaining({ actionType: 'AUDIT_SINK_TEST', seq: null, user: { email: org.email } }),
      },
    ]);
    expect(await test(datadog.id)).toEqual({ ok: true, status: 202, error: null });
    expect(dd.events[0]).toMatchObject({ ddsource: 'gatehouse', evt: { name: 'AUDIT_SINK_TEST' } });

    expect(await test(webhook.id)).toEqual({ ok: false, status: 401, error: 'HTTP 401 Unauthorized: {"error":"signature mismatch"}' });
    await change(org, { sinkId: webhook.id, secret: 'whsec-right' });
    expect(await test(webhook.id)).toEqual({ ok: true, status: 204, error: null });

    await change(org, { sinkId: splunk.id, index: 'main' });
    expect(await test(splunk.id)).toEqual({
      ok: false,
      status: 400,
      error: 'HTTP 400 Bad Request: {"text":"Incorrect index","code":7,"invalid-event-number":0}',
    });
    await change(org, { sinkId: splunk.id, url: `${hec.origin}/services/collector/raw` });
    expect(await test(splunk.id)).toMatchObject({ ok: false, status: 404 });
    const closed = await peer(datadogPeer('x'));
    await closed.close();
    await change(org, { sinkId: datadog.id, url: closed.origin });
    expect(await test(datadog.id)).toEqual({ ok: false, status: null, error: expect.stringMatching(/^Could not connect: .*ECONNREFUSED/) });

    const tested = (await auditRows(org.orgId)).filter((r) => r.actionType === 'AUDIT_SINK_TESTED').map((r) => r.metadata);
    expect(tested.map((m) => [m.name, m.ok, m.status])).toEqual([
      ['Splunk', true, 200],
      ['Datadog', true, 202],
      ['Hook', false, 401],
      ['Hook', true, 204],
      ['Splunk', false, 400],
      ['Splunk', false, 404],
      ['Datadog', false, null],
    ]);
    // A test moves no cursor: test events are not part of the log.
    expect((await listSinks(org.orgId)).map((s) => s.deliveredCount)).toEqual([0, 0, 0]);
  });

  it('cuts the secret out of what a destination says back', async () => {
    const org = await makeOrg('sink-echo');
    const { createServer } = await import('node:http');
    const server = createServer((req, res) =>
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: req.headers['dd-api-key'], error: 'bad' })),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    peers.push({
      origin: '',
      events: [],
      refused: [],
      close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
    });
    const port = (server.address() as { port: number }).port;
    const { id } = await add(org, { name: 'Echo', kind: 'datadog', url: `http://127.0.0.1:${port}`, secret: 'dd-echoed-secret-123' });
    const result = await runMutation(as(org), (ctx) => testSink(ctx, { sinkId: id }));
    expect(result.error).toBe('HTTP 400 Bad Request: {"echoed":"[redacted]","error":"bad"}');
  });
});
