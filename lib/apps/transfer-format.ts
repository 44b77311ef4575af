// The app export document (format "gatehouse.app", version 1; decision 0030): what it holds, how a
// stored definition becomes one (resources named, library references written out), and the one
// parser every door uses to read one back. Pure: no database, so a document is judged whole before
// anything is looked up or written.
import { z } from 'zod';
import { AppError, type FieldErrors } from '@/lib/errors';
import { findUnstorableText, UNSTORABLE_TEXT } from '@/lib/storable-text';
import { appDefinitionSchema, formatPath, parseStoredDefinition, type AppDefinition, type AppQuery } from './definition';

export const APP_DOCUMENT_FORMAT = 'gatehouse.app';
export const APP_DOCUMENT_VERSION = 1;
/** The largest document the CLI and the public API read (the dashboard's form is bound by its 1 MB body limit). */
export const APP_DOCUMENT_MAX_BYTES = 5_000_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A SQL or REST query as a document holds it: its resource by name; `library` says which library query version it was written out from. */
export type TransferQuery = DistributiveOmit<Exclude<AppQuery, { type: 'library' }>, 'resourceId'> & {
  resource: string;
  library?: { name: string; version: number };
};
export type TransferDefinition = Omit<AppDefinition, 'queries'> & { queries: TransferQuery[] };

/** What a resource was in the exporting organization: a SQL database (PostgreSQL or the sample), a REST API, or not configured (null). */
export type ResourceKind = 'sql' | 'rest' | null;

export type AppDocument = {
  format: typeof APP_DOCUMENT_FORMAT;
  version: typeof APP_DOCUMENT_VERSION;
  exportedAt: string;
  app: { name: string };
  /** The app's draft. */
  definition: TransferDefinition;
  /** Every release, oldest first, when the export asked for them; read as stored releases are (decision 0032). */
  releases?: { version: number; releasedAt: string; definition: TransferDefinition }[];
  /** Every resource a query names (in the draft or a release), once. */
  resources: { name: string; type: ResourceKind }[];
};

/**
 * A document as exportApp writes it: its definitions are the stored ones with resources named, not
 * re-validated (a draft saved under an older schema is exported as it is; an import says what to fix).
 */
export type ExportedAppDocument = Omit<AppDocument, 'definition' | 'releases'> & {
  definition: Record<string, unknown>;
  releases?: { version: number; releasedAt: string; definition: Record<string, unknown> }[];
};

const resourceName = z.string().trim().min(1, 'Name the resource.').max(120, 'Use at most 120 characters.');
const timestamp = z.iso.datetime({ offset: true, error: 'Use an RFC 3339 timestamp.' });

/** The document around the definitions; the definitions are checked by checkDefinition. */
const envelopeSchema = z.strictObject({
  format: z.literal(APP_DOCUMENT_FORMAT),
  version: z.literal(APP_DOCUMENT_VERSION),
  exportedAt: timestamp,
  app: z.strictObject({ name: z.string().trim().min(1, 'Name the app.').max(120, 'Use at most 120 characters.') }),
  definition: z.unknown(),
  releases: z
    .array(z.strictObject({ version: z.number().int().min(1), releasedAt: timestamp, definition: z.unknown() }))
    .max(1_000)
    .optional(),
  resources: z.array(z.strictObject({ name: resourceName, type: z.enum(['sql', 'rest']).nullable() })).max(200),
});

/** The shape of the export for the OpenAPI document and the API's response (definitions as opaque objects). */
export const appDocumentSchema = z
  .object({
    format: z.literal(APP_DOCUMENT_FORMAT),
    version: z.literal(APP_DOCUMENT_VERSION),
    exportedAt: z.string().describe('RFC 3339 timestamp'),
    app: z.object({ name: z.string() }),
    definition: z
      .record(z.string(), z.unknown())
      .describe('The draft: pages and queries as the editor saves them, each query naming its resource by name (resource), never by id.'),
    releases: z
      .array(z.object({ version: z.number().int(), releasedAt: z.string(), definition: z.record(z.string(), z.unknown()) }))
      .optional()
      .describe('Every release, oldest first; present when the export asked for them.'),
    resources: z
      .array(z.object({ name: z.string(), type: z.enum(['sql', 'rest']).nullable() }))
      .describe('The resources the queries name; an import maps each to the resource of the same name.'),
  })
  .meta({ id: 'AppExport' });

type Issue = { path: PropertyKey[]; message: string };

/** Any resource id that the definition schema accepts; replaced by the real one when a document is imported. */
const PLACEHOLDER_RESOURCE_ID = '00000000-0000-4000-8000-000000000000';

const libraryOrigin = z.strictObject({ name: z.string().min(1).max(100), version: z.number().int().min(1) });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The definition schema's verdict: as the editor saves (`stored` off), or as a stored release is
 * read, without the rules on hidden and disabled that came after it (`stored` on; decision 0032).
 * Problem paths say `resource` where the schema says `resourceId`.
 */
function checkWithSchema(candidate: unknown, stored: boolean): { data: AppDefinition } | { issues: Issue[] } {
  const rename = (k: PropertyKey) => (k === 'resourceId' ? 'resource' : k);
  if (!stored) {
    const parsed = appDefinitionSchema.safeParse(candidate);
    return parsed.success
      ? { data: parsed.data }
      : { issues: parsed.error.issues.map((i) => ({ path: i.path.map(rename), message: i.message })) };
  }
  try {
    return { data: parseStoredDefinition(candidate) };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return {
      issues: Object.entries(e.meta.fieldErrors ?? {}).flatMap(([key, messages]) =>
        messages.map((message) => ({ path: key === 'definition' ? [] : [key.replace(/\.resourceId$/, '.resource')], message })),
      ),
    };
  }
}

/**
 * One definition of a document, checked with the app definition's own schema (so a document
 * accepts exactly what the editor saves, and a release what a stored release may hold) after its
 * resource names stand in for ids. Problems are reported at `at` + their path.
 */
function checkDefinition(
  raw: unknown,
  stored: boolean,
  listed: Set<string>,
  used: Set<string>,
  at: PropertyKey[],
  issues: Issue[],
): TransferDefinition | null {
  if (!isRecord(raw)) {
    issues.push({ path: at, message: 'Expected an app definition (an object with pages and queries).' });
    return null;
  }
  const origins: { resource: string; library?: { name: string; version: number } }[] = [];
  const before = issues.length;
  const queries = Array.isArray(raw.queries)
    ? raw.queries.map((q, i) => {
        if (!isRecord(q)) return q;
        const where = [...at, 'queries', i];
        const { resource, library, ...rest } = q;
        if (q.type === 'library')
          issues.push({
            path: [...where, 'type'],
            message:
              'A document carries a library query as a SQL or REST query (with "library" saying where it came from), not as a reference.',
          });
        if ('resourceId' in q)
          issues.push({ path: [...where, 'resourceId'], message: 'A document names resources by name ("resource"), never by id.' });
        const name = resourceName.safeParse(resource);
        if (!name.success) issues.push({ path: [...where, 'resource'], message: 'Name the resource this query runs on.' });
        else if (!listed.has(name.data.toLowerCase()))
          issues.push({ path: [...where, 'resource'], message: `"${name.data}" is not listed in the document's resources.` });
        else used.add(name.data.toLowerCase());
        const origin = library === undefined ? undefined : libraryOrigin.safeParse(library);
        if (origin && !origin.success)
          issues.push({ path: [...where, 'library'], message: 'Give the library query\'s name and version, or leave "library" out.' });
        origins[i] = { resource: name.success ? name.data : '', library: origin?.success ? origin.data : undefined };
        return { ...rest, resourceId: PLACEHOLDER_RESOURCE_ID };
      })
    : raw.queries;
  const parsed = checkWithSchema({ ...raw, queries }, stored);
  if ('issues' in parsed) {
    for (const i of parsed.issues) issues.push({ path: [...at, ...i.path], message: i.message });
    return null;
  }
  if (issues.length > before) return null;
  return {
    ...parsed.data,
    queries: parsed.data.queries.map((q, i) => {
      if (q.type === 'library') throw new Error('unreachable: library references are refused above');
      const { resourceId: _placeholder, ...rest } = q;
      const origin = origins[i]!;
      return { ...rest, resource: origin.resource, ...(origin.library ? { library: origin.library } : {}) };
    }),
  };
}

function refuse(issues: Issue[]): never {
  const fieldErrors: FieldErrors = {};
  for (const i of issues) (fieldErrors[formatPath(i.path) || 'document'] ??= []).push(i.message);
  const entries = Object.entries(fieldErrors);
  const [firstPath, [firstMessage] = []] = entries[0]!;
  const more = issues.length > 1 ? ` (${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new AppError('invalid_input', `The document cannot be imported: ${firstPath}: ${firstMessage}${more}`, { fieldErrors });
}

/**
 * Reads an export document, or throws invalid_input whose field errors name every problem by its
 * path in the document (`definition.queries[0].resource`). A document of another format or version
 * gets one error saying so, not a list of everything that differs.
 */
export function parseAppDocument(raw: unknown): AppDocument {
  if (!isRecord(raw) || raw.format !== APP_DOCUMENT_FORMAT)
    refuse([{ path: ['format'], message: `This is not a Gatehouse app export: "format" must be "${APP_DOCUMENT_FORMAT}".` }]);
  if (raw.version !== APP_DOCUMENT_VERSION) {
    const newer = typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version > APP_DOCUMENT_VERSION;
    refuse([
      {
        path: ['version'],
        message: newer
          ? `This document is format version ${raw.version as number}; this Gatehouse reads version ${APP_DOCUMENT_VERSION}. Import it into a newer Gatehouse.`
          : `Unknown format version; this Gatehouse reads version ${APP_DOCUMENT_VERSION}.`,
      },
    ]);
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) refuse(envelope.error.issues.map((i) => ({ path: i.path, message: i.message })));
  const doc = envelope.data;

  const issues: Issue[] = [];
  const listed = new Set<string>();
  doc.resources.forEach((r, i) => {
    const key = r.name.toLowerCase();
    if (listed.has(key)) issues.push({ path: ['resources', i, 'name'], message: `"${r.name}" is listed twice.` });
    listed.add(key);
  });
  const used = new Set<string>();
  const definition = checkDefinition(doc.definition, false, listed, used, ['definition'], issues);
  const releases = doc.releases?.map((r, i) => {
    if (i > 0 && r.version <= doc.releases![i - 1]!.version)
      issues.push({ path: ['releases', i, 'version'], message: 'List releases oldest first, each version once.' });
    return { ...r, definition: checkDefinition(r.definition, true, listed, used, ['releases', i, 'definition'], issues) };
  });
  // Unused entries are judged only once every query could be read: otherwise "unused" may just mean "unreadable".
  const complete = issues.length === 0;
  doc.resources.forEach((r, i) => {
    if (complete && !used.has(r.name.toLowerCase()))
      issues.push({ path: ['resources', i], message: `"${r.name}" is not used by any query of the document.` });
  });
  if (issues.length) refuse(issues);
  return {
    format: doc.format,
    version: doc.version,
    exportedAt: doc.exportedAt,
    app: doc.app,
    definition: definition!,
    ...(releases ? { releases: releases.map((r) => ({ ...r, definition: r.definition! })) } : {}),
    resources: doc.resources,
  };
}

/** The JSON of a document's text (a file, a pasted form field): size, syntax and storable text; the rest is parseAppDocument's. */
export function readAppDocumentText(text: string, field = 'document'): unknown {
  if (text.trim() === '') throw AppError.field(field, 'Choose an export file or paste its text.');
  if (Buffer.byteLength(text) > APP_DOCUMENT_MAX_BYTES)
    throw AppError.field(field, `The document is larger than ${APP_DOCUMENT_MAX_BYTES / 1_000_000} MB.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw AppError.field(field, `The document is not valid JSON: ${e instanceof Error ? e.message : 'syntax error'}.`);
  }
  const unstorable = findUnstorableText(json);
  if (unstorable !== null) throw AppError.field(unstorable === '(the body)' ? field : unstorable, `This text ${UNSTORABLE_TEXT}.`);
  return json;
}

/** A document's definition as the draft schema takes it: each resource name replaced by the importing organization's id. */
export function bindResources(definition: TransferDefinition, idByName: ReadonlyMap<string, string>): AppDefinition {
  return {
    ...definition,
    queries: definition.queries.map(({ resource, library: _origin, ...q }) => {
      const resourceId = idByName.get(resource.toLowerCase());
      if (!resourceId) throw new Error(`unreachable: "${resource}" was resolved before binding`);
      return { ...q, resourceId } as AppQuery;
    }),
  };
}
