// gatehouse token create · revoke — public-API tokens minted by the operator.
import { z } from 'zod';
import { createApiToken, createApiTokenInput, revokeApiToken } from '@/lib/api-tokens/writes';
import { runMutation } from '@/lib/server/mutation';
import { defineCommand } from '../command';
import { cliInit, orgBySlug, parseWith } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;

export const tokenCreate = defineCommand({
  name: 'token create',
  summary: 'Mint a public-API token for an organization (printed once).',
  flags: {
    org,
    scopes: {
      type: 'string',
      required: true,
      value: '<list>',
      help: 'Comma-separated, e.g. users:read,groups:write (folders:* = read+write)',
    },
    expires: { type: 'string', value: '<duration>', field: 'expiresIn', help: 'e.g. 30d or 12h (default: never)' },
    note: { type: 'string', value: '<text>', help: 'What the token is for' },
  },
  async run(o) {
    const input = parseWith(createApiTokenInput, { scopes: o.scopes, expiresIn: o.expires, note: o.note ?? '' });
    const organization = await orgBySlug(o.org);
    const token = await runMutation(cliInit(organization.id), (ctx) => createApiToken(ctx, input));
    return {
      json: { token: token.token, id: token.id, scopes: token.scopes, expiresAt: token.expiresAt },
      text: `Token ${token.id} for ${organization.slug} (${token.scopes.join(', ')}${token.expiresAt ? `, expires ${token.expiresAt.toISOString()}` : ''}):\n${token.token}\nIt is shown once; store it now.`,
    };
  },
});

export const tokenRevoke = defineCommand({
  name: 'token revoke',
  summary: 'Revoke a token.',
  flags: { org, id: { type: 'string', required: true, value: '<token id>', field: 'tokenId', help: 'The token' } },
  async run(o) {
    const { tokenId } = parseWith(z.object({ tokenId: z.uuid('Give the token id.') }), { tokenId: o.id });
    const organization = await orgBySlug(o.org);
    await runMutation(cliInit(organization.id), (ctx) => revokeApiToken(ctx, { tokenId }));
    return { json: { revoked: tokenId }, text: `Revoked token ${tokenId}.` };
  },
});
