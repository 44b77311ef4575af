// gatehouse scim directory … — an organization's SCIM directories and their bearer tokens.
import { z } from 'zod';
import { runMutation } from '@/lib/server/mutation';
import {
  createDirectory,
  createDirectoryInput,
  listDirectories,
  rotateDirectoryToken,
  scimBaseUrl,
  setDirectoryPaused,
} from '@/lib/scim/directories';
import { defineCommand } from '../command';
import { cliInit, cliOrigin, orgBySlug, parseWith } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;
const byId = {
  org,
  id: { type: 'string', required: true, value: '<directory id>', field: 'directoryId', help: 'The directory' },
} as const;
const BASE_URL = "Base URLs use NEXTAUTH_URL's origin when set, otherwise http://localhost:$PORT (default 3000).";

async function directoryArgs(o: { org: string; id: string }) {
  const { directoryId } = parseWith(z.object({ directoryId: z.uuid('Give the directory id.') }), { directoryId: o.id });
  return { organization: await orgBySlug(o.org), directoryId };
}

export const scimDirectoryCreate = defineCommand({
  name: 'scim directory create',
  summary: 'Create a SCIM directory; prints its base URL and token (once).',
  details: BASE_URL,
  flags: { org, name: { type: 'string', required: true, help: 'e.g. Okta' } },
  async run(o) {
    const input = parseWith(createDirectoryInput, { name: o.name });
    const organization = await orgBySlug(o.org);
    const dir = await runMutation(cliInit(organization.id), (ctx) => createDirectory(ctx, input));
    const baseUrl = scimBaseUrl(cliOrigin(), dir.id);
    return {
      json: { id: dir.id, baseUrl, token: dir.token },
      text: `SCIM directory ${input.name} (${dir.id}) for ${organization.slug}\nBase URL: ${baseUrl}\nToken:    ${dir.token}\nThe token is shown once; store it in your identity provider now.`,
    };
  },
});

export const scimDirectoryList = defineCommand({
  name: 'scim directory list',
  summary: "List an organization's SCIM directories.",
  details: BASE_URL,
  flags: { org },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const dirs = (await listDirectories(organization.id)).map((d) => ({ ...d, baseUrl: scimBaseUrl(cliOrigin(), d.id) }));
    const lines = dirs.map(
      (d) => `${d.id}  ${d.paused ? 'paused' : 'active'}  ${d.users} users  ${d.groups} groups  ${d.name}  ${d.baseUrl}`,
    );
    return { json: { directories: dirs }, text: lines.join('\n') || `No SCIM directories in ${organization.slug}.` };
  },
});

export const scimDirectoryRotateToken = defineCommand({
  name: 'scim directory rotate-token',
  summary: "Replace a directory's token; the old one stops working at once.",
  flags: byId,
  async run(o) {
    const { organization, directoryId } = await directoryArgs(o);
    const { token } = await runMutation(cliInit(organization.id), (ctx) => rotateDirectoryToken(ctx, { directoryId }));
    return { json: { id: directoryId, token }, text: `New token for ${directoryId} (the old one no longer works):\n${token}` };
  },
});

export const scimDirectoryPause = defineCommand({
  name: 'scim directory pause',
  summary: 'Answer 503 to the identity provider (it retries later) until resumed.',
  flags: byId,
  async run(o) {
    const { organization, directoryId } = await directoryArgs(o);
    await runMutation(cliInit(organization.id), (ctx) => setDirectoryPaused(ctx, { directoryId, paused: true }));
    return { json: { id: directoryId, paused: true }, text: `Paused ${directoryId}: it answers 503 until resumed.` };
  },
});

export const scimDirectoryResume = defineCommand({
  name: 'scim directory resume',
  summary: 'Accept provisioning from the identity provider again.',
  flags: byId,
  async run(o) {
    const { organization, directoryId } = await directoryArgs(o);
    await runMutation(cliInit(organization.id), (ctx) => setDirectoryPaused(ctx, { directoryId, paused: false }));
    return { json: { id: directoryId, paused: false }, text: `Resumed ${directoryId}.` };
  },
});
