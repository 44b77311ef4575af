// The audit log under a crash: a production server of the test's own (own database, as the run
// is configured: Postgres or embedded) takes a burst of 5,000 audited API actions, is killed with
// SIGKILL part-way, and is started again; a Datadog-compatible receiver fails for a while after the
// restart. Every acknowledged action must have its event, the chain must verify, and the receiver
// must end up with every event of the organization, each exactly once after de-duplication by id.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, newOrgAccount, test } from './fixtures';
import { SignInPage } from './pages/sign-in-page';

const ACTIONS = Number(process.env.CRASH_ACTIONS ?? 5_000);
const KILL_AFTER = Math.floor(ACTIONS * 0.3);
const CLIENTS = 8;
const port = Number(process.env.E2E_PORT ?? 3100) + 50;
const origin = `http://127.0.0.1:${port}`;

/**
 * A Datadog Logs intake: checks the API key and records each accepted entry's event id. After
 * `failNext(n)` it refuses the next n batches the way a struggling intake does: 500, 429 with
 * Retry-After, and a request that never answers (the sender's timeout ends it).
 */
function datadogReceiver(apiKey: string) {
  const accepted: string[] = [];
  const refused: string[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url !== '/api/v2/logs' || req.headers['dd-api-key'] !== apiKey)
        return void res.writeHead(403).end('{"errors":["Forbidden"]}');
      if (failures > 0) {
        failures--;
        const answer = (['500', '429', 'hang'] as const)[refused.length % 3]!;
        refused.push(answer);
        if (answer === 'hang') return;
        return void res.writeHead(Number(answer), answer === '429' ? { 'retry-after': '1' } : {}).end('{}');
      }
      for (const entry of JSON.parse(body) as { gatehouse: { id: string } }[]) accepted.push(entry.gatehouse.id);
      res.writeHead(202).end('{}');
    });
  });
  return {
    accepted,
    refused,
    failNext: (n: number) => (failures = n),
    listen: () =>
      new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

// Servers still running when the test ends (a timeout skips its own cleanup) die with it.
const running = new Set<ChildProcess>();
test.afterEach(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  running.clear();
});

// Loaded at run time: Playwright's transform turns a static import of an .mjs file into CommonJS.
const scripts = async () => ({ ...(await import('../scripts/test-db.mjs')), ...(await import('../scripts/build.mjs')) });

async function database(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const { createTestDatabase, dropTestDatabase, testSecrets } = await scripts();
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const db = await createTestDatabase(serverUrl, 'crash');
    return { env: { ...testSecrets(), DATABASE_URL: db.url }, cleanup: () => dropTestDatabase(serverUrl, db.name) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-crash-'));
  return { env: { GATEHOUSE_DATA_DIR: dir }, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('a server killed during 5,000 audited actions loses no acknowledged event, and the SIEM gets each event once', async ({ browser }) => {
  // A safety net, not a target: the embedded database on 2 busy cores took 15 minutes on a slow
  // day (500 actions in 58 s at first, 129 s by the last 500); Postgres about 7.
  test.setTimeout(1_500_000);
  const { serverScript, root } = await scripts();
  const { env: dbEnv, cleanup } = await database();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...dbEnv,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_URL: origin,
    GATEHOUSE_API_RATE_LIMIT: '1000000',
  };
  if (!process.env.TEST_DATABASE_URL) delete env.DATABASE_URL;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gatehouse.mjs'), ...args, '--json'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    return { status: r.status, json: JSON.parse(r.stdout || r.stderr || '{}') as Record<string, unknown> };
  };
  const log = fs.openSync(test.info().outputPath('server.log'), 'a');
  let server: ChildProcess | undefined;
  const start = async () => {
    expect(
      await fetch(`${origin}/api/health`).then(
        () => 'taken',
        () => 'free',
      ),
      `port ${port} must be free`,
    ).toBe('free');
    server = spawn(process.execPath, [serverScript, '-p', String(port), '-H', '127.0.0.1'], {
      cwd: root,
      env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    running.add(server);
    await expect
      .poll(
        () =>
          fetch(`${origin}/api/health`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 60_000 },
      )
      .toBe(200);
  };
  const kill = async () => {
    const s = server!;
    const exited = new Promise((r) => s.once('exit', r));
    process.kill(-s.pid!, 'SIGKILL'); // the whole process group, mid-write
    await exited;
  };
  const apiKey = `dd-${Math.random().toString(36).slice(2)}`;
  const receiver = datadogReceiver(apiKey);
  const intake = await receiver.listen();

  try {
    // An organization and a token, made with the CLI (the embedded database is not open yet).
    const account = newOrgAccount('Crash');
    expect(
      cli(
        'org',
        'create',
        '--name',
        account.name,
        '--slug',
        account.slug,
        '--admin-email',
        account.email,
        '--admin-password',
        account.password,
        '--admin-first-name',
        account.firstName,
      ).status,
    ).toBe(0);
    const minted = cli('token', 'create', '--org', account.slug, '--scopes', 'groups:write,audit:read', '--note', 'crash test');
    expect(minted.status).toBe(0);
    const headers = { authorization: `Bearer ${String(minted.json.token)}`, 'content-type': 'application/json' };
    await start();

    // The admin adds the Datadog destination in Settings, backfilling from the start.
    const page = await (await browser.newContext({ baseURL: origin })).newPage();
    const signIn = new SignInPage(page);
    await signIn.goto(account.slug);
    await signIn.signIn(account.email, account.password);
    await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
    await page.goto('/settings/audit-streaming');
    await page.getByLabel('Name').fill('Datadog');
    await page.getByLabel('Intake URL (optional)').fill(intake);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByLabel('Backfill from (UTC, optional)').fill('2000-01-01T00:00');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.getByText('Added. Delivery starts within seconds.')).toBeVisible();
    await page.context().close();

    // The burst: CLIENTS callers work through ACTIONS group creations; the server dies part-way.
    const acknowledged: string[] = [];
    const t0 = Date.now();
    let next = 0;
    let killed: Promise<void> | undefined;
    const caller = async () => {
      while (next < ACTIONS) {
        const name = `crash-${next++}`;
        const ok = await fetch(`${origin}/api/v1/groups`, { method: 'POST', headers, body: JSON.stringify({ name }) }).then(
          (r) => r.status === 201,
          () => false,
        );
        if (ok) acknowledged.push(name);
        if (ok && acknowledged.length % 500 === 0)
          console.log(`[crash] ${acknowledged.length} acknowledged at ${(Date.now() - t0) / 1000} s`);
        if (acknowledged.length >= KILL_AFTER) killed ??= kill();
        if (killed) return;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, caller));
    await killed;
    const beforeCrash = acknowledged.length;

    // Restarted; the receiver refuses its next batches, then recovers. The burst goes on meanwhile.
    receiver.failNext(5);
    await start();
    const rest = async () => {
      while (next < ACTIONS) {
        const name = `crash-${next++}`;
        const r = await fetch(`${origin}/api/v1/groups`, { method: 'POST', headers, body: JSON.stringify({ name }) });
        expect(r.status).toBe(201);
        acknowledged.push(name);
        if (acknowledged.length % 500 === 0) console.log(`[crash] ${acknowledged.length} acknowledged at ${(Date.now() - t0) / 1000} s`);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, rest));
    const burstSeconds = (Date.now() - t0) / 1000;
    expect(beforeCrash).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acknowledged.length).toBeGreaterThan(ACTIONS - CLIENTS * 2);

    // Every event of the organization, read back through the public API.
    const events: { id: string; actionType: string; metadata: Record<string, unknown> }[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const r = await fetch(`${origin}/api/v1/audit-events?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { data: typeof events; nextCursor: string | null };
      events.push(...body.data);
      cursor = body.nextCursor;
    }
    const created = new Set(events.filter((e) => e.actionType === 'CREATE_GROUP').map((e) => String(e.metadata.groupName)));
    expect(acknowledged.filter((name) => !created.has(name))).toEqual([]);

    // The receiver drains the backlog: every event, none unknown; duplicates only by id.
    const ids = new Set(events.map((e) => e.id));
    await expect
      .poll(() => ids.size - new Set(receiver.accepted.filter((id) => ids.has(id))).size, { timeout: 120_000, intervals: [1000] })
      .toBe(0);
    const drainedSeconds = (Date.now() - t0) / 1000;
    expect(receiver.accepted.filter((id) => !ids.has(id))).toEqual([]);
    expect(receiver.refused).toEqual(['500', '429', 'hang', '500', '429']);
    console.log(
      `[crash] ${beforeCrash} acknowledged before SIGKILL, ${acknowledged.length} in all, ${events.length} events; ` +
        `receiver refused ${receiver.refused.length} batches, accepted ${receiver.accepted.length} entries ` +
        `(${receiver.accepted.length - new Set(receiver.accepted).size} duplicates by id); burst with restart ${burstSeconds} s, all delivered at ${drainedSeconds} s.`,
    );

    // The chain verifies (the embedded database needs the server stopped for the CLI).
    await kill();
    server = undefined;
    const verified = cli('audit', 'verify', '--org', account.slug);
    expect(verified.status, JSON.stringify(verified.json)).toBe(0);
  } finally {
    if (server && server.exitCode === null) await kill().catch(() => {});
    await receiver.close();
    await cleanup();
  }
});
