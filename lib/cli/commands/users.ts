// gatehouse user … — an admin's daily verbs, through the same lib/ functions as the users page and
// the public API, so the rules (last active admin, revocation) and audit events match.
import { resetTwoFactor, resetTwoFactorInput } from '@/lib/auth/two-factor';
import { runMutation } from '@/lib/server/mutation';
import { createUserInput } from '@/lib/users/inputs';
import { listUsers, type UserFilter, type UserRow } from '@/lib/users/reads';
import { createUser, disableUser, enableUser } from '@/lib/users/writes';
import { defineCommand, UsageError } from '../command';
import { cliInit, defaultFirstName, groupByName, orgBySlug, parseWith, userByEmail } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;
const email = { type: 'string', required: true, help: 'The user' } as const;
const PAGE = 500;

export const userList = defineCommand({
  name: 'user list',
  summary: "List an organization's users, by email.",
  flags: {
    org,
    search: { type: 'string', value: '<text>', help: 'Only users whose name or email contains this' },
    active: { type: 'boolean', help: 'Only enabled users' },
    disabled: { type: 'boolean', help: 'Only disabled users' },
    group: { type: 'string', value: '<name>', help: 'Only members of this group' },
    'two-factor': { type: 'string', choices: ['on', 'off'], help: 'Only users with (on) or without (off) two-factor authentication' },
  },
  async run(o) {
    if (o.active && o.disabled) throw new UsageError('give --active or --disabled, not both.', 'user list');
    const organization = await orgBySlug(o.org);
    const filter: UserFilter = {
      q: o.search,
      status: o.active ? 'active' : o.disabled ? 'disabled' : undefined,
      groupId: o.group ? (await groupByName(organization, o.group)).id : undefined,
      twoFactor: o['two-factor'] as UserFilter['twoFactor'],
    };
    const all: UserRow[] = [];
    let page: UserRow[];
    do {
      page = await listUsers(organization.id, filter, { limit: PAGE, after: all.at(-1) }, undefined);
      all.push(...page);
    } while (page.length === PAGE);
    const width = Math.max(0, ...all.map((u) => u.email.length));
    const lines = all.map((u) =>
      [
        u.email.padEnd(width),
        u.disabled ? 'disabled' : 'active  ',
        u.twoFactor ? '2fa' : '   ',
        u.name,
        u.groups.length ? `(${u.groups.map((g) => g.name).join(', ')})` : '',
      ]
        .join('  ')
        .trimEnd(),
    );
    return { json: { users: all }, text: lines.join('\n') || `No users in ${organization.slug} match.` };
  },
});

export const userCreate = defineCommand({
  name: 'user create',
  summary: 'Create a password user in an organization.',
  flags: {
    org,
    email: { type: 'string', required: true, help: "The user's email" },
    password: { type: 'string', required: true, help: 'At least 12 characters' },
    'first-name': { type: 'string', value: '<name>', help: 'Default: the part of the email before @' },
    'last-name': { type: 'string', value: '<name>', help: "The user's last name" },
    admin: { type: 'boolean', help: 'Add the user to the Admin group' },
  },
  async run(o) {
    const input = parseWith(createUserInput, {
      email: o.email,
      password: o.password,
      firstName: o['first-name'] ?? defaultFirstName(o.email),
      lastName: o['last-name'] ?? '',
      admin: o.admin,
    });
    const organization = await orgBySlug(o.org);
    const user = await runMutation(cliInit(organization.id), (ctx) => createUser(ctx, input));
    return {
      json: {
        user: { id: user.id, email: user.email, admin: input.admin },
        organization: { id: organization.id, slug: organization.slug },
      },
      text: `Created user ${user.email} in ${organization.name} (${organization.slug})${input.admin ? ' as an admin' : ''}.`,
    };
  },
});

export const userDisable = defineCommand({
  name: 'user disable',
  summary: 'Disable a user: they cannot sign in, and every session and API token of theirs is revoked.',
  details: 'The last active admin cannot be disabled.',
  flags: { org, email },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const user = await userByEmail(organization, o.email);
    const result = await runMutation(cliInit(organization.id), (ctx) => disableUser(ctx, { userId: user.id }));
    return {
      json: { userId: user.id, disabled: true, ...result },
      text: `Disabled ${user.email}: ${result.sessionsRevoked} session(s) and ${result.tokensRevoked} API token(s) revoked.`,
    };
  },
});

export const userEnable = defineCommand({
  name: 'user enable',
  summary: 'Enable a disabled user again (sessions and API tokens revoked on disabling stay revoked).',
  flags: { org, email },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const user = await userByEmail(organization, o.email);
    await runMutation(cliInit(organization.id), (ctx) => enableUser(ctx, { userId: user.id }));
    return { json: { userId: user.id, disabled: false }, text: `Enabled ${user.email}.` };
  },
});

export const userResetTwoFactor = defineCommand({
  name: 'user reset-2fa',
  summary: "Remove a user's two-factor authentication (lost device); revokes their sessions and API tokens.",
  flags: { org, email, reason: { type: 'string', value: '<text>', help: 'Recorded in the audit event' } },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const { id: userId } = await userByEmail(organization, o.email);
    const input = parseWith(resetTwoFactorInput, { userId, reason: o.reason });
    const result = await runMutation(cliInit(organization.id), (ctx) => resetTwoFactor(ctx, input));
    return {
      json: { userId, ...result },
      text: `Reset two-factor for ${o.email}: ${result.sessionsRevoked} session(s) and ${result.tokensRevoked} API token(s) revoked.`,
    };
  },
});
