// gatehouse user create · reset-2fa — through the same lib/ functions as the users page.
import { resetTwoFactor, resetTwoFactorInput } from '@/lib/auth/two-factor';
import { runMutation } from '@/lib/server/mutation';
import { createUserInput } from '@/lib/users/inputs';
import { createUser } from '@/lib/users/writes';
import { defineCommand } from '../command';
import { cliInit, defaultFirstName, orgBySlug, parseWith, userByEmail } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;
const email = { type: 'string', required: true, help: 'The user' } as const;

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
