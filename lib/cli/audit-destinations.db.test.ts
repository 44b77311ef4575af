// `gatehouse audit destination …` as an operator runs it: separate processes on this file's
// database, sending test events to local peers that check signatures and tokens, with the same
// validation and audit events as the settings page and the API, and never printing a secret. Then a
// round trip between the doors: created by the API, listed and paused by the CLI, seen paused by
// the API, deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db';
import { createApiToken, createApiTokenInput } from '@/lib/api-tokens/writes';
import { handleApiRequest } from '@/lib/api/handle';
import type { ApiOperation } from '@/lib/api/operation';
import { createAuditDestinationOp, deleteAuditDestinationOp, getAuditDestinationOp } from '@/lib/api/operations';
import { runMutation } from '@/lib/server/mutation';
import { cliForTests } from '@/lib/test/cli';
import { asUser, auditRows, makeOrg, testRequest } from '@/lib/test/helpers';
import { splunkHecPeer, webhookPeer, type Peer } from '@/lib/test/sink-peers';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-dest-'));
// CLI processes open this file's database (lib/test/cli.ts).
const gatehouse = await cliForTests(work);
const peers: Peer<unknown>[] = [];

afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await closeDb();
  fs.rmSync(work, { recursive: true, force: true });
});

// Each CLI process is a few seconds of CPU; on a busy two-core machine, ten or more of wall time.
const SLOW = { timeout: 600_000 };

const cliEvents = async (orgId: string) =>
  (await auditRows(orgId)).filter((r) => r.actionType.includes('AUDIT_SINK')).map((r) => [r.actionType, r.metadata.actor]);

describe('gatehouse audit destination', () => {
  it('creates destinations from flags or a secret file, names the flag at fault, and lists them without their secrets', SLOW, async () => {
    const org = await makeOrg('clidest');
    const hook = await webhookPeer('whsec-from-file');
    peers.push(hook as Peer<unknown>);
    const secretFile = path.join(work, 'webhook-secret');
    fs.writeFileSync(secretFile, 'whsec-from-file\n', { mode: 0o600 });

    const made = await gatehouse(
      ...['audit', 'destination', 'create', '--org', org.slug, '--kind', 'webhook', '--name', 'Hook'],
      ...['--url', `${hook.origin}/in`, '--secret-file', secretFile],
    );
    expect(made, made.stderr).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Added webhook destination Hook \([0-9a-f-]{36}\) sending to http/),
    });
    const splunk = await gatehouse(
      ...['audit', 'destination', 'create', '--org', org.slug, '--kind', 'splunk', '--name', 'Splunk'],
      ...['--url', 'https://splunk.example.test:8088/services/collector/event', '--secret', 'hec-cli-secret', '--index', 'audit', '--json'],
    );
    expect(splunk.code, splunk.stderr).toBe(0);
    expect(JSON.parse(splunk.stdout).destination).toMatchObject({
      name: 'Splunk',
      kind: 'splunk',
      index: 'audit',
      secretSet: true,
      paused: false,
    });

    const bad = await gatehouse(
      ...['audit', 'destination', 'create', '--org', org.slug, '--kind', 'splunk', '--name', 'Bad'],
      ...['--secret', 'x', '--tags', 'env:prod', '--backfill-from', 'yesterday'],
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n').sort()).toEqual([
      'error: --backfill-from: Use a date and time, e.g. 2026-01-31T00:00:00Z.',
      'error: --tags: Only Datadog destinations take tags.',
      'error: --url: Enter the URL events are sent to.',
    ]);
    fs.writeFileSync(path.join(work, 'empty'), '\n');
    expect(
      await gatehouse(
        'audit',
        'destination',
        'create',
        '--org',
        org.slug,
        '--kind',
        'webhook',
        '--name',
        'X',
        '--url',
        hook.origin,
        '--secret-file',
        path.join(work, 'empty'),
      ),
    ).toMatchObject({ code: 1, stderr: `error: --secret-file: ${path.join(work, 'empty')} is empty; it should hold the secret.` });
    expect(
      await gatehouse(
        'audit',
        'destination',
        'create',
        '--org',
        org.slug,
        '--kind',
        'webhook',
        '--name',
        'hook',
        '--url',
        hook.origin,
        '--secret',
        's',
        '--json',
      ),
    ).toMatchObject({
      code: 1,
      stdout: JSON.stringify({
        error: {
          code: 'conflict',
          message: 'A destination with that name already exists.',
          fieldErrors: { '--name': ['A destination with that name already exists.'] },
        },
      }),
    });

    const listed = await gatehouse('audit', 'destination', 'list', '--org', org.slug);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^[0-9a-f-]{36} {2}active {2}splunk {3}Splunk {2}https:\/\/splunk\.example\.test:8088\/services\/collector\/event {2}secret set {2}/,
    );
    expect(lines[1]).toMatch(/ {2}active {2}webhook {2}Hook {2}http:\/\/127\.0\.0\.1:\d+\/in {2}secret set {2}/);
    const json = await gatehouse('audit', 'destination', 'list', '--org', org.slug, '--json');
    expect(JSON.parse(json.stdout).destinations.map((d: { name: string; secretSet: boolean }) => [d.name, d.secretSet])).toEqual([
      ['Splunk', true],
      ['Hook', true],
    ]);
    for (const out of [made, splunk, listed, json]) {
      expect(out.stdout).not.toContain('whsec-from-file');
      expect(out.stdout).not.toContain('hec-cli-secret');
    }
    expect(await cliEvents(org.orgId)).toEqual([
      ['AUDIT_SINK_CREATED', 'cli'],
      ['AUDIT_SINK_CREATED', 'cli'],
    ]);
  });

  it(
    'tests, changes, pauses, resumes and deletes a destination named by name; a refused test exits 1 with what the peer said',
    SLOW,
    async () => {
      const org = await makeOrg('clidest2');
      const hec = await splunkHecPeer('hec-right-token', { indexes: ['audit'] });
      peers.push(hec as Peer<unknown>);
      const url = `${hec.origin}/services/collector/event`;
      const created = await gatehouse(
        ...['audit', 'destination', 'create', '--org', org.slug, '--kind', 'splunk', '--name', 'Splunk prod'],
        ...['--url', url, '--secret', 'hec-wrong-token', '--index', 'audit'],
      );
      expect(created.code, created.stderr).toBe(0);

      const refused = await gatehouse('audit', 'destination', 'test', 'splunk PROD', '--org', org.slug);
      expect(refused).toMatchObject({
        code: 1,
        stderr: 'error: The test event to Splunk prod was not accepted: HTTP 403 Forbidden: {"text":"Invalid token","code":4}',
      });
      expect(hec.refused).toHaveLength(1);
      expect(
        await gatehouse(
          'audit',
          'destination',
          'update',
          'Splunk prod',
          '--org',
          org.slug,
          '--secret',
          'hec-right-token',
          '--sourcetype',
          'gh:audit',
        ),
      ).toMatchObject({
        code: 0,
        stdout: 'Updated Splunk prod (sourcetype, secret).',
      });
      expect(await gatehouse('audit', 'destination', 'update', 'Splunk prod', '--org', org.slug, '--tags', 'a:b')).toMatchObject({
        code: 1,
        stderr: 'error: --tags: Only Datadog destinations take tags.',
      });
      const ok = await gatehouse('audit', 'destination', 'test', 'Splunk prod', '--org', org.slug, '--json');
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toEqual({ id: expect.any(String), ok: true, status: 200, error: null });
      expect(hec.events).toEqual([
        expect.objectContaining({
          index: 'audit',
          sourcetype: 'gh:audit',
          event: expect.objectContaining({ actionType: 'AUDIT_SINK_TEST', user: { email: 'operator' } }),
        }),
      ]);

      expect(await gatehouse('audit', 'destination', 'pause', 'Splunk prod', '--org', org.slug)).toMatchObject({
        code: 0,
        stdout: 'Paused Splunk prod: events wait until it is resumed.',
      });
      expect(await gatehouse('audit', 'destination', 'pause', 'Splunk prod', '--org', org.slug)).toMatchObject({
        code: 1,
        stderr: 'error: This destination is already paused.',
      });
      expect(await gatehouse('audit', 'destination', 'resume', 'Splunk prod', '--org', org.slug)).toMatchObject({ code: 0 });
      expect(await gatehouse('audit', 'destination', 'delete', 'nope', '--org', org.slug)).toMatchObject({
        code: 1,
        stderr: `error: <destination>: No destination "nope" in ${org.slug}. Its destinations: Splunk prod.`,
      });
      expect(await gatehouse('audit', 'destination', 'delete', 'Splunk prod', '--org', org.slug)).toMatchObject({
        code: 0,
        stdout: 'Deleted Splunk prod.',
      });
      expect(await cliEvents(org.orgId)).toEqual([
        ['AUDIT_SINK_CREATED', 'cli'],
        ['AUDIT_SINK_TESTED', 'cli'],
        ['UPDATE_AUDIT_SINK', 'cli'],
        ['AUDIT_SINK_TESTED', 'cli'],
        ['AUDIT_SINK_DISABLED', 'cli'],
        ['AUDIT_SINK_ENABLED', 'cli'],
        ['AUDIT_SINK_DELETED', 'cli'],
      ]);
      expect(JSON.stringify(await auditRows(org.orgId))).not.toMatch(/hec-(right|wrong)-token/);
    },
  );

  it('round trip: created by the API, listed and paused by the CLI, seen paused by the API, deleted', SLOW, async () => {
    const org = await makeOrg('clidestrt');
    const { token } = await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      createApiToken(ctx, createApiTokenInput.parse({ scopes: 'audit-destinations:*', note: 'round trip' })),
    );
    const api = async (op: ApiOperation, opts: { id?: string; body?: unknown } = {}) => {
      const req = new Request(`http://gatehouse.test/api/v1${op.path.replace('{destinationId}', opts.id ?? '')}`, {
        method: op.method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const res = await handleApiRequest(op, req, opts.id ? { destinationId: opts.id } : {}, testRequest());
      return { status: res.status, json: res.status === 204 ? null : await res.json() };
    };

    const created = await api(createAuditDestinationOp, {
      body: { name: 'Datadog EU', kind: 'datadog', site: 'datadoghq.eu', secret: 'dd-round-trip-key', tags: 'env:prod' },
    });
    expect(created).toMatchObject({
      status: 201,
      json: { site: 'datadoghq.eu', url: 'https://http-intake.logs.datadoghq.eu', paused: false },
    });
    const id = created.json.id as string;

    const listed = await gatehouse('audit', 'destination', 'list', '--org', org.slug, '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).destinations).toEqual([
      expect.objectContaining({ id, name: 'Datadog EU', kind: 'datadog', site: 'datadoghq.eu', tags: 'env:prod', paused: false }),
    ]);
    expect(listed.stdout).not.toContain('dd-round-trip-key');
    expect(await gatehouse('audit', 'destination', 'pause', id, '--org', org.slug)).toMatchObject({ code: 0 });
    expect(await api(getAuditDestinationOp, { id })).toMatchObject({ status: 200, json: { id, paused: true } });
    expect(await api(deleteAuditDestinationOp, { id })).toEqual({ status: 204, json: null });
    expect(await gatehouse('audit', 'destination', 'list', '--org', org.slug)).toMatchObject({
      code: 0,
      stdout: `No audit streaming destinations in ${org.slug}.`,
    });
    expect(
      (await auditRows(org.orgId)).filter((r) => r.actionType.includes('AUDIT_SINK')).map((r) => [r.actionType, r.metadata.actor]),
    ).toEqual([
      ['AUDIT_SINK_CREATED', 'api_token'],
      ['AUDIT_SINK_DISABLED', 'cli'],
      ['AUDIT_SINK_DELETED', 'api_token'],
    ]);
  });

  it('has help for each command and a usage error for a secret given twice', SLOW, async () => {
    const group = await gatehouse('audit', 'destination', '--help');
    expect(group.code).toBe(0);
    for (const verb of ['list', 'create', 'update', 'test', 'pause', 'resume', 'delete'])
      expect(group.stdout).toContain(`audit destination ${verb} `);
    const help = await gatehouse('audit', 'destination', 'update', '--help');
    expect(help.stdout).toContain(
      'Usage: gatehouse audit destination update <destination> --org <slug> [--name <name>] [--site <site>] [--url <url>] [--secret <secret>] [--secret-file <file>]',
    );
    expect(await gatehouse('audit', 'destination', 'update', 'x', '--org', 'y', '--secret', 'a', '--secret-file', '-')).toMatchObject({
      code: 2,
      stderr: 'error: give --secret or --secret-file, not both.\nRun "gatehouse audit destination update --help" for usage.',
    });
  });
});
