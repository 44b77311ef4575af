// GET /apps/{id}/export, POST /apps/import, POST /apps/{id}/import — an app as an export document
// and back (decision 0030), through the same exportApp and importApp as the dashboard and the CLI.
import { z } from 'zod';
import { exportApp, importApp } from '@/lib/apps/transfer';
import { APP_DOCUMENT_MAX_BYTES, appDocumentSchema } from '@/lib/apps/transfer-format';
import { idParam, operation } from '../operation';

const flag = (description: string) =>
  z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe(description);

const releaseFlag = flag('Release the imported draft as the next version.');

const documentBody = z
  .record(z.string(), z.unknown())
  .describe(
    'An export document as GET /apps/{id}/export returns it (format "gatehouse.app", version 1). A document that does not read is a 422 whose errors name each problem by its path.',
  );

const importResult = z
  .object({
    id: z.uuid(),
    name: z.string(),
    created: z.boolean(),
    releasedVersion: z.number().int().nullable().describe('The version the import released; null when it did not release.'),
    importedReleases: z.array(z.number().int()).describe('The document’s releases recreated under their own numbers (history=true).'),
    resources: z
      .array(z.object({ name: z.string(), resourceId: z.uuid() }))
      .describe('Each resource name of the document and the resource of this organization it was mapped to.'),
  })
  .meta({ id: 'AppImport' });

export const exportAppOp = operation({
  id: 'exportApp',
  method: 'GET',
  path: '/apps/{id}/export',
  tag: 'Apps',
  summary: 'Export an app as a document another organization or Gatehouse can import (needs Own on the app)',
  scope: 'apps:export',
  params: idParam('id'),
  query: z.object({ releases: flag('Include every release, oldest first.') }),
  response: appDocumentSchema,
  async handler(ctx, { params, query }) {
    return ctx.mutate((m) => exportApp(m, { appId: params.id, releases: query.releases }));
  },
});

export const importAppOp = operation({
  id: 'importApp',
  method: 'POST',
  path: '/apps/import',
  tag: 'Apps',
  summary:
    'Import an export document as a new app; every resource it names must exist here under the same name, or a 422 lists each one that does not and nothing is created',
  scope: 'apps:write',
  status: 201,
  query: z.object({
    name: z.string().trim().min(1).max(120).optional().describe('The new app’s name; the document’s app name by default.'),
    folderId: z.uuid().optional().describe('The folder to create the app in; the top level by default.'),
    release: releaseFlag,
    history: flag('Recreate the document’s releases under their own numbers.'),
  }),
  body: documentBody,
  maxBodyBytes: APP_DOCUMENT_MAX_BYTES,
  response: importResult,
  async handler(ctx, { query, body }) {
    const result = await ctx.mutate((m) =>
      importApp(m, { document: body, name: query.name, folderId: query.folderId ?? null, release: query.release, history: query.history }),
    );
    return { id: result.appId, ...result };
  },
});

export const importIntoAppOp = operation({
  id: 'importIntoApp',
  method: 'POST',
  path: '/apps/{id}/import',
  tag: 'Apps',
  summary: 'Import an export document as the app’s new draft (needs Edit on the app); unresolved resources are a 422 and change nothing',
  scope: 'apps:write',
  params: idParam('id'),
  query: z.object({ release: releaseFlag }),
  body: documentBody,
  maxBodyBytes: APP_DOCUMENT_MAX_BYTES,
  response: importResult,
  async handler(ctx, { params, query, body }) {
    const result = await ctx.mutate((m) => importApp(m, { document: body, appId: params.id, release: query.release }));
    return { id: result.appId, ...result };
  },
});
