// The CLI as an operator runs it: a separate process, real arguments, exit codes and output.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, dropTestDatabase } from '../../scripts/test-db.mjs';

const root = path.resolve(__dirname, '../..');
// A database of the file's own: `keys` and `audit verify` act on every organization, and other
// files share the run's database, some of them with values under keys this CLI does not have.
const serverUrl = inject('databaseUrl') ? process.env.TEST_DATABASE_URL! : null;
const database = serverUrl ? await createTestDatabase(serverUrl, 'cli') : null;
const dataDir = database ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-'));

function gatehouse(...args: string[]) {
  const env = { ...process.env, GATEHOUSE_DATA_DIR: dataDir ?? '', DATABASE_URL: database?.url ?? '' };
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/gatehouse.mjs'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

afterAll(async () => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (database) await dropTestDatabase(serverUrl!, database.name);
});

// Each call is a process of its own (Node, tsx, the whole of lib/, and on the embedded database
// PGlite opening its data directory): about 3 s of CPU, and a test makes several, three files at a
// time on two cores.
describe('gatehouse CLI', { timeout: 180_000 }, () => {
  const slug = `cli-${randomBytes(3).toString('hex')}`;

  it('migrates, creates an organization and a user, with --json for scripts', () => {
    expect(gatehouse('migrate')).toMatchObject({ code: 0, stdout: expect.stringContaining('Migrations applied') });

    const org = gatehouse(
      'org',
      'create',
      '--name',
      'CLI Org',
      '--slug',
      slug,
      '--admin-email',
      `root@${slug}.test`,
      '--admin-password',
      'operator password 1',
      '--json',
    );
    expect(org.code).toBe(0);
    expect(JSON.parse(org.stdout)).toMatchObject({
      organization: { slug, name: 'CLI Org', id: expect.any(String) },
      admin: { email: `root@${slug}.test` },
    });

    const user = gatehouse('user', 'create', '--org', slug, '--email', `dev@${slug}.test`, '--password', 'developer password', '--admin');
    expect(user.code).toBe(0);
    expect(user.stdout).toBe(`Created user dev@${slug}.test in CLI Org (${slug}) as an admin.`);
  });

  it('seeds a demo organization once, printing every user and password', () => {
    const demo = `demo-${randomBytes(3).toString('hex')}`;
    const seeded = gatehouse('seed', 'demo', '--slug', demo, '--json');
    expect(seeded.code).toBe(0);
    const out = JSON.parse(seeded.stdout);
    expect(out).toMatchObject({ organization: { slug: demo, name: 'Demo Shop' }, app: { name: 'Orders', version: 1 } });
    expect(out.users.map((u: { role: string; email: string; password: string }) => [u.role, u.email, u.password.length >= 12])).toEqual([
      ['admin', 'admin@example.com', true],
      ['editor', 'editor@example.com', true],
      ['viewer', 'alice@example.com', true],
      ['viewer', 'bob@example.com', true],
    ]);
    const again = gatehouse('seed', 'demo', '--slug', demo, '--password', 'one password for all');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: --slug: An organization "${demo}" already exists; sign in to it, or seed another with --slug.`);
    const text = gatehouse('seed', 'demo', '--slug', `${demo}x`, '--password', 'one password for all');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Sign in at /sign-in/${demo}x`);
    expect(text.stdout).toMatch(/viewer +alice@example\.com +one password for all/);
    expect(gatehouse('seed', 'demo', '--slug', 'x', '--password', 'short')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('error: --password: Use at least 12 characters.'),
    });
  });

  it('names the flag at fault and exits 1 on bad input', () => {
    const r = gatehouse('org', 'create', '--name', 'Bad', '--slug', 'api', '--admin-email', 'nope', '--admin-password', 'short');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: --slug: That URL is reserved. Choose another.');
    expect(r.stderr).toContain('error: --admin-email: Enter a valid email address');
    expect(r.stderr).toContain('error: --admin-password: Use at least 12 characters.');

    const dup = gatehouse(
      'org',
      'create',
      '--name',
      'Again',
      '--slug',
      slug,
      '--admin-email',
      'x@y.test',
      '--admin-password',
      'long enough pw',
      '--json',
    );
    expect(dup.code).toBe(1);
    expect(JSON.parse(dup.stdout)).toEqual({
      error: {
        code: 'conflict',
        message: 'That URL is already taken. Choose another.',
        fieldErrors: { '--slug': ['That URL is already taken. Choose another.'] },
      },
    });

    const missing = gatehouse('user', 'create', '--org', 'no-such-org', '--email', 'a@b.test', '--password', 'long enough pw');
    expect(missing).toMatchObject({ code: 1, stderr: 'error: No organization with slug "no-such-org".' });
  });

  it("resets a user's two-factor only when there is one, naming the user by email", () => {
    const none = gatehouse('user', 'reset-2fa', '--org', slug, '--email', `DEV@${slug}.test`);
    expect(none).toMatchObject({ code: 1, stderr: 'error: This user has no two-factor authentication to reset.' });
    const unknown = gatehouse('user', 'reset-2fa', '--org', slug, '--email', `nobody@${slug}.test`);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining(`error: --email: No user with email nobody@${slug}.test`) });
  });

  it('mints and revokes API tokens for operators', () => {
    const minted = gatehouse('token', 'create', '--org', slug, '--scopes', 'users:read,groups:write', '--expires', '30d', '--json');
    expect(minted.code).toBe(0);
    const token = JSON.parse(minted.stdout);
    expect(token).toMatchObject({ token: expect.stringMatching(/^ght_/), id: expect.any(String), scopes: ['groups:write', 'users:read'] });
    expect(new Date(token.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const bad = gatehouse('token', 'create', '--org', slug, '--scopes', 'users:root', '--expires', 'soon');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: --scopes: Unknown scope.');
    expect(bad.stderr).toContain('error: --expires: Use a duration like 30d or 12h.');

    expect(gatehouse('token', 'revoke', '--org', slug, '--id', token.id)).toMatchObject({ code: 0, stdout: `Revoked token ${token.id}.` });
    expect(gatehouse('token', 'revoke', '--org', slug, '--id', token.id)).toMatchObject({
      code: 1,
      stderr: 'error: No active token with that id.',
    });
  });

  it('creates, lists, rotates and pauses SCIM directories', () => {
    const created = gatehouse('scim', 'directory', 'create', '--org', slug, '--name', 'Okta', '--json');
    expect(created.code).toBe(0);
    const dir = JSON.parse(created.stdout);
    expect(dir).toEqual({
      id: expect.any(String),
      baseUrl: expect.stringMatching(new RegExp(`/api/scim/v2/${dir.id}$`)),
      token: expect.stringMatching(/^ghs_/),
    });
    expect(gatehouse('scim', 'directory', 'create', '--org', slug, '--name', 'okta')).toMatchObject({
      code: 1,
      stderr: 'error: --name: A SCIM directory with that name already exists.',
    });

    const rotated = JSON.parse(gatehouse('scim', 'directory', 'rotate-token', '--org', slug, '--id', dir.id, '--json').stdout);
    expect(rotated.token).not.toBe(dir.token);
    expect(gatehouse('scim', 'directory', 'pause', '--org', slug, '--id', dir.id)).toMatchObject({ code: 0 });
    const listed = JSON.parse(gatehouse('scim', 'directory', 'list', '--org', slug, '--json').stdout);
    expect(listed.directories).toEqual([expect.objectContaining({ id: dir.id, name: 'Okta', paused: true, users: 0, groups: 0 })]);
    expect(gatehouse('scim', 'directory', 'resume', '--org', slug, '--id', 'nope')).toMatchObject({
      code: 1,
      stderr: 'error: --id: Give the directory id.',
    });
  });

  it('reports and rotates encryption keys', () => {
    const status = gatehouse('keys', 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const before = JSON.parse(status.stdout);
    expect(before).toMatchObject({ primary: expect.any(String), usage: expect.any(Array) });
    expect(JSON.parse(gatehouse('keys', 'generate', '--json').stdout).entry).toMatch(/^k[a-z0-9]+:[A-Za-z0-9+/]{43}=$/);
    const rotated = gatehouse('keys', 'rotate', '--json');
    expect(rotated.code).toBe(0);
    const result = JSON.parse(rotated.stdout);
    // Embedded mode adds a key to the data dir; with GATEHOUSE_ENCRYPTION_KEYS the newest entry is used.
    expect(result.primary).toBe(result.addedKey ?? before.primary);
    // The demo seeded above stores encrypted resource configurations, so there is something to check.
    const after: { keyId: string }[] = JSON.parse(gatehouse('keys', 'status', '--json').stdout).usage;
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((u) => u.keyId !== result.primary)).toEqual([]);
  });

  it('verifies the audit hash chain of one or every organization', () => {
    const one = gatehouse('audit', 'verify', '--org', slug, '--json');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ ok: true, organizations: [{ slug, ok: true, events: expect.any(Number) }] });
    // Every organization in the database: other test files tamper with theirs on purpose, so only
    // this one's line is checked (a broken chain elsewhere makes the exit code 1, listed on stderr).
    const all = gatehouse('audit', 'verify');
    expect(`${all.stdout}\n${all.stderr}`).toContain(`ok      ${slug}:`);
    expect(all.code === 0 || all.stderr.includes('BROKEN')).toBe(true);
  });

  it('exits 2 on usage errors and generates help for every command', () => {
    expect(gatehouse('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(gatehouse('org', 'create', '--colour', 'blue')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Unknown option '--colour'"),
    });
    expect(gatehouse('user', 'reset-2fa', '--org', slug)).toMatchObject({
      code: 2,
      stderr: 'error: missing --email <email>.\nRun "gatehouse user reset-2fa --help" for usage.',
    });
    const help = gatehouse('help');
    expect(help.code).toBe(0);
    for (const cmd of [
      'migrate',
      'org create',
      'user list',
      'user create',
      'user disable',
      'user enable',
      'group add-member',
      'group remove-member',
      'session revoke',
      'token create',
      'token revoke',
      'scim directory create',
      'scim directory rotate-token',
      'keys status',
      'keys rotate',
      'audit verify',
      '--json',
    ])
      expect(help.stdout).toContain(cmd);
    const commandHelp = gatehouse('token', 'create', '--help');
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain(
      'Usage: gatehouse token create --org <slug> --scopes <list> [--expires <duration>] [--note <text>] [--json]',
    );
    expect(commandHelp.stdout).toMatch(/--expires <duration> +e\.g\. 30d or 12h/);
  });
});
