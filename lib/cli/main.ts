// gatehouse — the operator CLI. Commands call the same lib/ functions as the app, with a `cli`
// actor, so every change is validated and audited the same way.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { closeDb, databaseKind } from '@/db';
import { migrate } from '@/db/migrate';
import { z } from 'zod';
import { AppError, isAppError, type FieldErrors } from '@/lib/errors';
import { createOrganizationInput } from '@/lib/orgs/inputs';
import { verifyChain } from '@/lib/audit/chain';
import { purgeExpiredEvents } from '@/lib/audit/retention';
import { newSigningKeyText, verifyCheckpoints, writeCheckpoints } from '@/lib/audit/checkpoints';
import { findOrganizationBySlug, listOrganizations } from '@/lib/orgs/reads';
import { createOrganization } from '@/lib/orgs/writes';
import { runMutation, type MutationInit } from '@/lib/server/mutation';
import { createApiToken, createApiTokenInput, revokeApiToken } from '@/lib/api-tokens/writes';
import {
  createDirectory,
  createDirectoryInput,
  listDirectories,
  rotateDirectoryToken,
  scimBaseUrl,
  setDirectoryPaused,
} from '@/lib/scim/directories';
import { currentKeyring } from '@/lib/crypto/envelope';
import { generateKeyringEntry } from '@/lib/crypto/keyring';
import { addDataDirKey, keyStatus, rewrapAll } from '@/lib/crypto/rotation';
import { createUserInput } from '@/lib/users/inputs';
import { createUser } from '@/lib/users/writes';
import { findUserIdByEmail } from '@/lib/users/reads';
import { resetTwoFactor, resetTwoFactorInput } from '@/lib/auth/two-factor';
import { seedDemo, seedDemoInput } from './seed-demo';

export const HELP = `gatehouse — operate a Gatehouse installation

Usage: gatehouse <command> [options]

Commands:
  migrate                          Apply database migrations (also done at server start).
  org create                       Create an organization and its first admin.
      --name <name>                  Organization name (required)
      --slug <slug>                  Sign-in URL slug, e.g. acme (required)
      --admin-email <email>          First admin's email (required)
      --admin-password <password>    First admin's password, at least 12 characters (required)
      --admin-first-name <name>      Default: the part of the email before @
      --admin-last-name <name>
  user create                      Create a password user in an organization.
      --org <slug>                   Organization (required)
      --email <email>                (required)
      --password <password>          At least 12 characters (required)
      --first-name <name>            Default: the part of the email before @
      --last-name <name>
      --admin                        Add the user to the Admin group
  user reset-2fa                   Remove a user's two-factor authentication (lost device); revokes their sessions and API tokens.
      --org <slug>                   Organization (required)
      --email <email>                The user (required)
      --reason <text>                Recorded in the audit event
  token create                     Mint a public-API token for an organization (printed once).
      --org <slug>                   Organization (required)
      --scopes <list>                Comma-separated, e.g. users:read,groups:write (required; folders:* = read+write)
      --expires <duration>           e.g. 30d or 12h (default: never)
      --note <text>                  What the token is for
  token revoke                     Revoke a token.
      --org <slug>                   Organization (required)
      --id <token id>                (required)
  scim directory create            Create a SCIM directory; prints its base URL and token (once).
      --org <slug>                   Organization (required)
      --name <name>                  e.g. Okta (required)
  scim directory list              List an organization's SCIM directories.
      --org <slug>                   Organization (required)
  scim directory rotate-token      Replace a directory's token; the old one stops working at once.
      --org <slug>                   Organization (required)
      --id <directory id>            (required)
  scim directory pause             Answer 503 to the IdP (it retries later) until resumed.
  scim directory resume              Both take --org <slug> and --id <directory id>.
  keys status                      How many encrypted values use each key; flags keys missing from the keyring.
  keys generate                    Print a new keyring entry to append to GATEHOUSE_ENCRYPTION_KEYS.
  keys rotate                      Re-encrypt every value with the newest key, in committed batches (resumable).
                                   Embedded mode: adds a new key to the data dir first. With
                                   GATEHOUSE_ENCRYPTION_KEYS: append a new entry on every instance and
                                   restart them first; the last entry is the new key.
  audit purge                      Delete audit events past each organization's retention period now
      --org <slug>                   (also done hourly by the server; a legal hold stops it).
  audit verify                     Check the audit hash chain; exits 1 at the first broken link.
      --org <slug>                   One organization (default: every organization)
      --checkpoints <file>           Also check signed checkpoints (the checkpoint file, or a SIEM's copy)
  audit checkpoint                 Sign and record each organization's chain head now (the server does it every 10 minutes).
      --org <slug>
  audit signing-key                Print a new Ed25519 key for GATEHOUSE_AUDIT_SIGNING_KEY.
  seed demo                        Create a demo organization to try Gatehouse: an admin, an editor and two
                                   viewers (Alice and Bob, the sample database's sales reps), groups and grants,
                                   the Sample database, a released "Orders" app whose query filters on
                                   current_user.email (each viewer sees their own orders), and the viewers'
                                   workspace homepage. Prints every user's email and password. Refuses if the
                                   organization exists.
      --slug <slug>                  Default: demo
      --name <name>                  Default: Demo Shop
      --password <password>          One password for every demo user (default: a generated one each)
  help                             Show this help.

Options for every command:
  --json                           Print one JSON object instead of text (errors too, with a non-zero exit).

SCIM base URLs use NEXTAUTH_URL's origin when set, otherwise http://localhost:$PORT (default 3000).
The database is DATABASE_URL when set, otherwise the embedded one in GATEHOUSE_DATA_DIR (default .data);
the embedded database cannot be used while a Gatehouse server has it open.
Exit codes: 0 success, 1 rejected input or failure, 2 usage error.`;

class UsageError extends Error {}

type Output = { json: unknown; text: string };
type Command = (args: string[]) => Promise<Output>;

const flagNames: Record<string, string> = {
  name: '--name',
  slug: '--slug',
  email: '--admin-email',
  password: '--admin-password',
  firstName: '--admin-first-name',
  lastName: '--admin-last-name',
};
const userFlagNames: Record<string, string> = {
  org: '--org',
  email: '--email',
  password: '--password',
  firstName: '--first-name',
  lastName: '--last-name',
};

function cliInit(orgId: string | null): MutationInit {
  return {
    orgId,
    actor: { kind: 'cli' },
    request: { requestId: `cli-${crypto.randomUUID()}`, ipAddress: null, userAgent: 'gatehouse-cli' },
  };
}

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: { ...spec, json: { type: 'boolean' } }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError('invalid_input', 'Invalid options.', { fieldErrors: z.flattenError(r.error).fieldErrors as FieldErrors });
  }
  return r.data;
}

const defaultFirstName = (email: string | undefined) => (email ?? '').split('@')[0] ?? '';

const commands: Record<string, Command> = {
  async migrate(args) {
    options(args, {});
    await migrate();
    return { json: { migrated: true, database: databaseKind() }, text: `Migrations applied (${databaseKind()} database).` };
  },

  async 'org create'(args) {
    const o = options(args, {
      name: { type: 'string' },
      slug: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-password': { type: 'string' },
      'admin-first-name': { type: 'string' },
      'admin-last-name': { type: 'string' },
    });
    const input = parseWith(createOrganizationInput, {
      name: o.name ?? '',
      slug: o.slug ?? '',
      email: o['admin-email'] ?? '',
      password: o['admin-password'] ?? '',
      firstName: o['admin-first-name'] ?? defaultFirstName(o['admin-email']),
      lastName: o['admin-last-name'] ?? '',
    });
    await migrate();
    const created = await runMutation(cliInit(null), (ctx) => createOrganization(ctx, input, 'cli'));
    return {
      json: {
        organization: { id: created.organizationId, slug: created.slug, name: input.name },
        admin: { id: created.userId, email: input.email },
      },
      text: `Created organization ${input.name} (${created.slug}) with admin ${input.email}.\nSign in at /sign-in/${created.slug}`,
    };
  },

  async 'user create'(args) {
    const o = options(args, {
      org: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      admin: { type: 'boolean' },
    });
    const input = parseWith(createUserInput, {
      email: o.email ?? '',
      password: o.password ?? '',
      firstName: o['first-name'] ?? defaultFirstName(o.email),
      lastName: o['last-name'] ?? '',
      admin: o.admin ?? false,
    });
    const org = await orgBySlug(o.org);
    const user = await runMutation(cliInit(org.id), (ctx) => createUser(ctx, input));
    return {
      json: { user: { id: user.id, email: user.email, admin: input.admin }, organization: { id: org.id, slug: org.slug } },
      text: `Created user ${user.email} in ${org.name} (${org.slug})${input.admin ? ' as an admin' : ''}.`,
    };
  },

  async 'user reset-2fa'(args) {
    const o = options(args, { org: { type: 'string' }, email: { type: 'string' }, reason: { type: 'string' } });
    if (!o.email) throw AppError.field('email', 'Name the user by email.');
    const org = await orgBySlug(o.org);
    const userId = await findUserIdByEmail(org.id, o.email);
    if (!userId) throw AppError.field('email', `No user with email ${o.email} in ${org.slug}.`, 'not_found');
    const input = parseWith(resetTwoFactorInput, { userId, reason: o.reason });
    const result = await runMutation(cliInit(org.id), (ctx) => resetTwoFactor(ctx, input));
    return {
      json: { userId, ...result },
      text: `Reset two-factor for ${o.email}: ${result.sessionsRevoked} session(s) and ${result.tokensRevoked} API token(s) revoked.`,
    };
  },

  async 'token create'(args) {
    const o = options(args, { org: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' }, note: { type: 'string' } });
    const input = parseWith(createApiTokenInput, { scopes: o.scopes ?? '', expiresIn: o.expires, note: o.note ?? '' });
    const org = await orgBySlug(o.org);
    const token = await runMutation(cliInit(org.id), (ctx) => createApiToken(ctx, input));
    return {
      json: { token: token.token, id: token.id, scopes: token.scopes, expiresAt: token.expiresAt },
      text: `Token ${token.id} for ${org.slug} (${token.scopes.join(', ')}${token.expiresAt ? `, expires ${token.expiresAt.toISOString()}` : ''}):\n${token.token}\nIt is shown once; store it now.`,
    };
  },

  async 'seed demo'(args) {
    const o = options(args, { slug: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } });
    const input = parseWith(seedDemoInput, { slug: o.slug, name: o.name, password: o.password });
    await migrate();
    const seed = await runMutation(cliInit(null), (ctx) => seedDemo(ctx, input));
    const width = Math.max(...seed.users.map((u) => u.email.length));
    return {
      json: seed,
      text: [
        `Created the demo organization ${seed.organization.name} (${seed.organization.slug}). Sign in at /sign-in/${seed.organization.slug}`,
        '',
        ...seed.users.map((u) => `  ${u.role.padEnd(7)} ${u.email.padEnd(width)}  ${u.password}`),
        '',
        `The viewers land on the "${seed.app.name}" app (version ${seed.app.version}); each sees only the orders they handle.`,
      ].join('\n'),
    };
  },

  async 'audit purge'(args) {
    const o = options(args, { org: { type: 'string' } });
    const org = o.org ? await orgBySlug(o.org) : (await migrate(), null);
    const purged = await purgeExpiredEvents({ organizationId: org?.id });
    const lines = Object.entries(purged).map(([slug, n]) => `${slug}: deleted ${n} expired event(s)`);
    return { json: { purged }, text: lines.join('\n') || 'Nothing has expired.' };
  },

  async 'audit checkpoint'(args) {
    const o = options(args, { org: { type: 'string' } });
    const org = o.org ? await orgBySlug(o.org) : (await migrate(), null);
    const written = await writeCheckpoints({ organizationId: org?.id });
    return {
      json: { checkpoints: written },
      text: written.map((c) => `signed ${c.organizationId} at event ${c.seq}`).join('\n') || 'Every chain is already checkpointed.',
    };
  },

  async 'audit signing-key'(args) {
    options(args, {});
    const key = newSigningKeyText();
    return { json: { key }, text: key };
  },

  async 'audit verify'(args) {
    const o = options(args, { org: { type: 'string' }, checkpoints: { type: 'string' } });
    if (o.checkpoints) {
      const org = o.org ? await orgBySlug(o.org) : (await migrate(), null);
      let lines: string[];
      try {
        lines = fs.readFileSync(o.checkpoints, 'utf8').split('\n');
      } catch (e) {
        throw AppError.field('checkpoints', `Cannot read ${o.checkpoints}: ${(e as Error).message}`);
      }
      const report = await verifyCheckpoints(lines, undefined, org?.id);
      if (report.problems.length)
        throw new AppError(
          'conflict',
          `${report.problems.join('\n')}\n${report.problems.length} checkpoint problem(s); ${report.checked} checkpoint(s) matched.`,
          { details: report },
        );
      if (report.checked === 0 && report.skipped === 0)
        throw new AppError('invalid_input', `No checkpoints${org ? ` of ${org.slug}` : ''} in ${o.checkpoints}.`);
      return {
        json: { ok: true, ...report },
        text: `ok      ${report.checked} checkpoint(s) match the chain${report.skipped ? ` (${report.skipped} cover events removed by retention)` : ''}.`,
      };
    }
    const orgs = o.org ? [await orgBySlug(o.org)] : (await migrate(), await listOrganizations());
    const reports = [];
    for (const org of orgs) reports.push({ slug: org.slug, ...(await verifyChain(org.id)) });
    const broken = reports.filter((r) => !r.ok);
    const lines = reports.map((r) => (r.ok ? `ok      ${r.slug}: ${r.events} events, chain intact` : `BROKEN  ${r.slug}: ${r.reason}`));
    if (broken.length)
      throw new AppError('conflict', `${lines.join('\n')}\n${broken.length} of ${reports.length} audit chain(s) are broken.`, {
        details: reports,
      });
    return { json: { ok: true, organizations: reports }, text: lines.join('\n') || 'No organizations.' };
  },

  async 'scim directory create'(args) {
    const o = options(args, { org: { type: 'string' }, name: { type: 'string' } });
    const input = parseWith(createDirectoryInput, { name: o.name ?? '' });
    const org = await orgBySlug(o.org);
    const dir = await runMutation(cliInit(org.id), (ctx) => createDirectory(ctx, input));
    const baseUrl = scimBaseUrl(cliOrigin(), dir.id);
    return {
      json: { id: dir.id, baseUrl, token: dir.token },
      text: `SCIM directory ${input.name} (${dir.id}) for ${org.slug}\nBase URL: ${baseUrl}\nToken:    ${dir.token}\nThe token is shown once; store it in your identity provider now.`,
    };
  },

  async 'scim directory list'(args) {
    const o = options(args, { org: { type: 'string' } });
    const org = await orgBySlug(o.org);
    const dirs = (await listDirectories(org.id)).map((d) => ({ ...d, baseUrl: scimBaseUrl(cliOrigin(), d.id) }));
    const lines = dirs.map(
      (d) => `${d.id}  ${d.paused ? 'paused' : 'active'}  ${d.users} users  ${d.groups} groups  ${d.name}  ${d.baseUrl}`,
    );
    return { json: { directories: dirs }, text: lines.join('\n') || `No SCIM directories in ${org.slug}.` };
  },

  async 'scim directory rotate-token'(args) {
    const { org, directoryId } = await directoryArgs(args);
    const { token } = await runMutation(cliInit(org.id), (ctx) => rotateDirectoryToken(ctx, { directoryId }));
    return { json: { id: directoryId, token }, text: `New token for ${directoryId} (the old one no longer works):\n${token}` };
  },

  async 'scim directory pause'(args) {
    const { org, directoryId } = await directoryArgs(args);
    await runMutation(cliInit(org.id), (ctx) => setDirectoryPaused(ctx, { directoryId, paused: true }));
    return { json: { id: directoryId, paused: true }, text: `Paused ${directoryId}: it answers 503 until resumed.` };
  },

  async 'scim directory resume'(args) {
    const { org, directoryId } = await directoryArgs(args);
    await runMutation(cliInit(org.id), (ctx) => setDirectoryPaused(ctx, { directoryId, paused: false }));
    return { json: { id: directoryId, paused: false }, text: `Resumed ${directoryId}.` };
  },

  async 'keys status'(args) {
    options(args, {});
    await migrate();
    const usage = await keyStatus();
    const ring = currentKeyring();
    const missing = usage.filter((u) => !u.inKeyring);
    const lines = [
      `Keyring: ${[...ring.keys.keys()].join(', ')} (newest: ${ring.primary.id})`,
      ...usage.map((u) => `${u.table}.${u.column}: ${u.values} value(s) on key ${u.keyId}${u.inKeyring ? '' : '  MISSING FROM KEYRING'}`),
    ];
    if (usage.length === 0) lines.push('No encrypted values stored yet.');
    if (missing.length)
      throw new AppError('conflict', `${lines.join('\n')}\nSome values use keys the keyring does not contain; they cannot be decrypted.`, {
        details: usage,
      });
    return { json: { keys: [...ring.keys.keys()], primary: ring.primary.id, usage }, text: lines.join('\n') };
  },

  async 'keys generate'(args) {
    options(args, {});
    const entry = generateKeyringEntry(`k${Date.now().toString(36)}`);
    return { json: { entry }, text: `Append this entry (comma-separated) to GATEHOUSE_ENCRYPTION_KEYS on every instance:\n${entry}` };
  },

  async 'keys rotate'(args) {
    options(args, {});
    await migrate();
    const added = addDataDirKey();
    const ring = currentKeyring();
    const { rewrapped } = await rewrapAll({ actor: { kind: 'cli' }, request: cliInit(null).request }, ring);
    const text = `${added ? `Added key ${added} to the data dir. ` : ''}Re-encrypted ${rewrapped} value(s) with key ${ring.primary.id}.`;
    return { json: { addedKey: added, primary: ring.primary.id, rewrapped }, text };
  },

  async 'token revoke'(args) {
    const o = options(args, { org: { type: 'string' }, id: { type: 'string' } });
    const { tokenId } = parseWith(z.object({ tokenId: z.uuid('Give the token id.') }), { tokenId: o.id ?? '' });
    const org = await orgBySlug(o.org);
    await runMutation(cliInit(org.id), (ctx) => revokeApiToken(ctx, { tokenId }));
    return { json: { revoked: tokenId }, text: `Revoked token ${tokenId}.` };
  },
};

async function directoryArgs(args: string[]) {
  const o = options(args, { org: { type: 'string' }, id: { type: 'string' } });
  const { directoryId } = parseWith(z.object({ directoryId: z.uuid('Give the directory id.') }), { directoryId: o.id ?? '' });
  return { org: await orgBySlug(o.org), directoryId };
}

function cliOrigin(): string {
  return process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).origin : `http://localhost:${process.env.PORT ?? 3000}`;
}

const scimFlagNames: Record<string, string> = { org: '--org', name: '--name', directoryId: '--id' };
const tokenFlagNames: Record<string, string> = {
  org: '--org',
  scopes: '--scopes',
  expiresIn: '--expires',
  note: '--note',
  tokenId: '--id',
};
const commandFlags: Record<string, Record<string, string>> = {
  'audit verify': { org: '--org', checkpoints: '--checkpoints' },
  'audit checkpoint': { org: '--org' },
  'audit purge': { org: '--org' },
  'org create': flagNames,
  'seed demo': { slug: '--slug', name: '--name', password: '--password' },
  'user create': userFlagNames,
  'user reset-2fa': { org: '--org', email: '--email', reason: '--reason' },
  'token create': tokenFlagNames,
  'token revoke': tokenFlagNames,
  'scim directory create': scimFlagNames,
  'scim directory list': scimFlagNames,
  'scim directory rotate-token': scimFlagNames,
  'scim directory pause': scimFlagNames,
  'scim directory resume': scimFlagNames,
};

async function orgBySlug(slug: string | undefined) {
  if (!slug) throw AppError.field('org', 'Name the organization by its slug.');
  await migrate();
  const org = await findOrganizationBySlug(slug);
  if (!org) throw new AppError('not_found', `No organization with slug "${slug}".`);
  return org;
}

/** Names each problem by the flag that caused it: `error: --slug: That URL is already taken.` */
function describeError(e: unknown, flags: Record<string, string> = {}): { json: unknown; text: string } {
  if (isAppError(e)) {
    const fieldErrors: Record<string, string[]> = {};
    for (const [field, msgs] of Object.entries(e.meta.fieldErrors ?? {})) fieldErrors[flags[field] ?? field] = msgs;
    const lines = Object.entries(fieldErrors).map(([flag, msgs]) => `error: ${flag}: ${msgs.join(' ')}`);
    return {
      json: { error: { code: e.code, message: e.message, fieldErrors: lines.length ? fieldErrors : undefined, details: e.meta.details } },
      text: lines.length ? lines.join('\n') : `error: ${e.message}`,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { json: { error: { code: 'internal', message } }, text: `error: ${message}` };
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const words = argv.filter((a) => !a.startsWith('-'));
  if (argv.length === 0 || words[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  // The longest known command the words spell: "scim directory create", "token create", "migrate".
  const name = [3, 2, 1].map((n) => words.slice(0, n).join(' ')).find((w) => commands[w]) ?? words.slice(0, 2).join(' ');
  const command = commands[name];
  if (!command) {
    console.error(`error: unknown command "${name}". Run "gatehouse help".`);
    return 2;
  }
  const rest = argv.slice(argv.indexOf(name.split(' ').at(-1)!) + 1);
  try {
    const out = await command(rest);
    console.log(json ? JSON.stringify(out.json) : out.text);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\nRun "gatehouse help" for usage.`);
      return 2;
    }
    const out = describeError(e, commandFlags[name]);
    if (json) console.log(JSON.stringify(out.json));
    else console.error(out.text);
    return 1;
  } finally {
    await closeDb();
  }
}

if (process.argv[1] && /lib[/\\]cli[/\\]main\.ts$/.test(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
