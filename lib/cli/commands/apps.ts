// gatehouse app export|import — an app as an export document and back (decision 0030), through the
// same exportApp and importApp as the dashboard and the public API, audited as EXPORT_APP and IMPORT_APP.
import fs from 'node:fs';
import { z } from 'zod';
import { exportApp, importApp } from '@/lib/apps/transfer';
import { readAppDocumentText } from '@/lib/apps/transfer-format';
import { AppError } from '@/lib/errors';
import { findFolderIdByName, findObjectIdByName } from '@/lib/objects/lookup';
import type { OrganizationSummary } from '@/lib/orgs/reads';
import { runMutation } from '@/lib/server/mutation';
import { defineCommand, UsageError } from '../command';
import { cliInit, orgBySlug } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;

/** An app the operator names by id or by name (any letter case); a not-found error on `field` otherwise. */
async function appByIdOrName(organization: OrganizationSummary, idOrName: string, field: string): Promise<string> {
  if (z.uuid().safeParse(idOrName).success) return idOrName;
  const id = await findObjectIdByName(organization.id, 'app', idOrName);
  if (!id) throw AppError.field(field, `No app named "${idOrName}" in ${organization.slug}.`, 'not_found');
  return id;
}

export const appExport = defineCommand({
  name: 'app export',
  summary: 'Write an app as an export document (JSON) that another organization or Gatehouse can import.',
  details:
    "The document holds the app's draft (and with --releases every release). It names resources by name and holds no id, secret or resource setting; library queries are written out as plain queries. Recorded as EXPORT_APP.",
  args: [{ name: 'app', help: "The app's id or name", field: 'appId' }],
  flags: {
    org,
    releases: { type: 'boolean', help: 'Include every release, oldest first' },
    out: { type: 'string', value: '<file>', help: 'Write the document to this file (default: print it)' },
  },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const appId = await appByIdOrName(organization, o.app, 'appId');
    const doc = await runMutation(cliInit(organization.id), (ctx) => exportApp(ctx, { appId, releases: o.releases }));
    const text = JSON.stringify(doc, null, 2);
    if (!o.out) return { json: doc, text };
    try {
      fs.writeFileSync(o.out, `${text}\n`);
    } catch (e) {
      throw AppError.field('out', `Cannot write ${o.out}: ${(e as Error).message}`);
    }
    const releases = doc.releases?.length ?? 0;
    return {
      json: { appId, name: doc.app.name, file: o.out, releases, resources: doc.resources },
      text: `Exported ${doc.app.name} to ${o.out}${releases ? ` with ${releases} release(s)` : ''}; it needs ${
        doc.resources.length ? `these resources by name: ${doc.resources.map((r) => r.name).join(', ')}` : 'no resources'
      }.`,
    };
  },
});

export const appImport = defineCommand({
  name: 'app import',
  summary: "Import an export document as a new app, or with --into as an existing app's new draft.",
  details:
    'Each resource the document names must exist in the organization under the same name (any letter case) and of the same kind; otherwise every one that does not is listed and nothing is imported. Recorded as IMPORT_APP.',
  args: [{ name: 'file', help: 'The export document; - reads it from standard input', field: 'document' }],
  flags: {
    org,
    folder: { type: 'string', value: '<name>', field: 'folderId', help: 'Create the app in this folder (default: the top level)' },
    name: { type: 'string', value: '<name>', help: "The new app's name (default: the document's)" },
    into: { type: 'string', value: '<app>', field: 'appId', help: "Import as this app's new draft (its id or name)" },
    release: { type: 'boolean', help: 'Release the imported draft as the next version' },
    'with-releases': {
      type: 'boolean',
      field: 'history',
      help: "Recreate the document's releases under their own numbers (a new app only)",
    },
  },
  async run(o) {
    if (o.into && (o.name || o.folder))
      throw new UsageError('--into imports into an existing app; --name and --folder name a new one.', 'app import');
    let text: string;
    try {
      text = fs.readFileSync(o.file === '-' ? 0 : o.file, 'utf8');
    } catch (e) {
      throw AppError.field('document', `Cannot read ${o.file}: ${(e as Error).message}`);
    }
    const document = readAppDocumentText(text);
    const organization = await orgBySlug(o.org);
    let folderId: string | null = null;
    if (o.folder) {
      folderId = await findFolderIdByName(organization.id, 'app', o.folder);
      if (!folderId) throw AppError.field('folderId', `No app folder named "${o.folder}" in ${organization.slug}.`, 'not_found');
    }
    const appId = o.into ? await appByIdOrName(organization, o.into, 'appId') : undefined;
    const result = await runMutation(cliInit(organization.id), (ctx) =>
      importApp(ctx, { document, name: o.name, folderId, appId, release: o.release, history: o['with-releases'] }),
    );
    const steps = [
      result.created ? `created ${result.name}` : `saved a new draft of ${result.name}`,
      ...(result.importedReleases.length ? [`recreated release(s) ${result.importedReleases.join(', ')}`] : []),
      ...(result.releasedVersion ? [`released version ${result.releasedVersion}`] : []),
    ];
    const mapped = result.resources.map((r) => r.name).join(', ');
    return {
      json: result,
      text: `Imported into ${organization.slug}: ${steps.join(', ')} (app ${result.appId}).${mapped ? ` Resources: ${mapped}.` : ''}`,
    };
  },
});
