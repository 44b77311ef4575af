import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { bindResources, parseAppDocument, readAppDocumentText } from './transfer-format';

const document = (overrides: Record<string, unknown> = {}) => ({
  format: 'gatehouse.app',
  version: 1,
  exportedAt: '2025-06-01T12:00:00.000Z',
  app: { name: 'Orders' },
  definition: {
    pages: [{ name: 'main', components: [{ type: 'table', name: 'orders', query: 'myOrders' }] }],
    queries: [{ type: 'sql', name: 'myOrders', resource: 'Sample database', sql: 'select {{ current_user.email }}::text as email' }],
  },
  resources: [{ name: 'Sample database', type: 'sql' }],
  ...overrides,
});

/** The field errors of a refused document (or fails the test). */
function problems(raw: unknown): Record<string, string[]> {
  try {
    parseAppDocument(raw);
  } catch (e) {
    if (e instanceof AppError && e.code === 'invalid_input') return e.meta.fieldErrors ?? {};
    throw e;
  }
  throw new Error('expected the document to be refused');
}

describe('parseAppDocument', () => {
  it('reads a document: resources by name, defaults applied, and binds the names to ids', () => {
    const doc = parseAppDocument(document());
    expect(doc.definition.queries).toEqual([
      {
        type: 'sql',
        name: 'myOrders',
        resource: 'Sample database',
        sql: 'select {{ current_user.email }}::text as email',
        disableLoggingFor: [],
      },
    ]);
    const id = '9b2f3c1e-1d2a-4c5b-8e6f-7a8b9c0d1e2f';
    expect(bindResources(doc.definition, new Map([['sample database', id]])).queries[0]).toMatchObject({ resourceId: id });
    expect(bindResources(doc.definition, new Map([['sample database', id]])).queries[0]).not.toHaveProperty('resource');
  });

  it('says so once when the document is not an app export or is of another version', () => {
    expect(problems({ hello: 'world' })).toEqual({ format: ['This is not a Gatehouse app export: "format" must be "gatehouse.app".'] });
    expect(problems([1, 2])).toHaveProperty('format');
    expect(problems(document({ version: 2 }))).toEqual({
      version: ['This document is format version 2; this Gatehouse reads version 1. Import it into a newer Gatehouse.'],
    });
    expect(problems(document({ version: '1' }))).toEqual({ version: ['Unknown format version; this Gatehouse reads version 1.'] });
  });

  it('names every problem by its path in the document', () => {
    const d = document();
    const q = (d.definition as { queries: Record<string, unknown>[] }).queries[0]!;
    const tampered = {
      ...d,
      definition: {
        ...d.definition,
        queries: [
          { ...q, resourceId: '9b2f3c1e-1d2a-4c5b-8e6f-7a8b9c0d1e2f' },
          { type: 'sql', name: 'other', resource: 'Not listed', sql: 'select 1' },
          { type: 'sql', name: 'quoted', resource: 'Sample database', sql: "select '{{ x }}'" },
          { type: 'library', name: 'lib', libraryQueryId: '9b2f3c1e-1d2a-4c5b-8e6f-7a8b9c0d1e2f', version: 1 },
        ],
      },
    };
    const p = problems(tampered);
    expect(p['definition.queries[0].resourceId']).toEqual(['A document names resources by name ("resource"), never by id.']);
    expect(p['definition.queries[1].resource']).toEqual(['"Not listed" is not listed in the document\'s resources.']);
    expect(p['definition.queries[3].type']?.[0]).toMatch(/not as a reference/);
    expect(p['definition.queries[3].resource']).toEqual(['Name the resource this query runs on.']);
    // The draft schema's own checks, at the document's path.
    expect(problems({ ...d, definition: { ...d.definition, queries: [tampered.definition.queries[2]] } })).toMatchObject({
      'definition.queries[0].sql': [expect.stringMatching(/quoted string/)],
      'definition.pages[0].components[0].query': ['There is no query named "myOrders".'],
    });
    expect(problems({ ...d, definition: { ...d.definition, queries: [{ ...q, resource: undefined }] } })).toMatchObject({
      'definition.queries[0].resource': ['Name the resource this query runs on.'],
    });
  });

  it('checks the envelope strictly: unknown fields, timestamps, duplicate or unused resources, release order', () => {
    expect(problems(document({ organizationId: '9b2f3c1e-1d2a-4c5b-8e6f-7a8b9c0d1e2f' }))).toHaveProperty('document');
    expect(problems(document({ exportedAt: 'yesterday' }))).toEqual({ exportedAt: ['Use an RFC 3339 timestamp.'] });
    expect(problems(document({ resources: [{ name: 'Sample database', type: 'sql', host: 'db.internal' }] }))).toHaveProperty([
      'resources[0]',
    ]);
    expect(
      problems(
        document({
          resources: [
            { name: 'Sample database', type: 'sql' },
            { name: 'SAMPLE DATABASE', type: 'sql' },
          ],
        }),
      ),
    ).toEqual({ 'resources[1].name': ['"SAMPLE DATABASE" is listed twice.'] });
    expect(
      problems(
        document({
          resources: [
            { name: 'Sample database', type: 'sql' },
            { name: 'Spare', type: 'rest' },
          ],
        }),
      ),
    ).toEqual({ 'resources[1]': ['"Spare" is not used by any query of the document.'] });
    const release = (version: number) => ({ version, releasedAt: '2025-05-01T00:00:00Z', definition: document().definition });
    expect(problems(document({ releases: [release(2), release(1)] }))).toEqual({
      'releases[1].version': ['List releases oldest first, each version once.'],
    });
    expect(problems(document({ releases: [release(1), { ...release(2), definition: { pages: [] } }] }))).toEqual({
      'releases[1].definition.pages': ['An app needs at least one page.'],
    });
  });
});

describe('releases in a document', () => {
  it('are read as stored releases are: a hidden rule from before decision 0032 passes there, not in the draft', () => {
    const d = document();
    const olderRule = {
      ...d.definition,
      pages: [
        {
          name: 'main',
          components: [
            { type: 'textInput', name: 'pin' },
            { type: 'table', name: 'orders', query: 'myOrders', hidden: '{{ !pin.value }}' },
          ],
        },
      ],
    };
    const doc = parseAppDocument(document({ releases: [{ version: 1, releasedAt: '2025-05-01T00:00:00Z', definition: olderRule }] }));
    expect(doc.releases?.[0]?.definition.pages[0]?.components[1]).toMatchObject({ hidden: '{{ !pin.value }}' });
    expect(problems(document({ definition: olderRule }))).toEqual({
      'definition.pages[0].components[1].hidden': [expect.stringContaining('current_user')],
    });
    const badRelease = { ...olderRule, queries: [{ type: 'sql', name: 'myOrders', resource: 'Sample database', sql: "select '{{ x }}'" }] };
    expect(problems(document({ releases: [{ version: 1, releasedAt: '2025-05-01T00:00:00Z', definition: badRelease }] }))).toEqual({
      'releases[0].definition.queries[0].sql': [expect.stringMatching(/quoted string/)],
    });
  });
});

describe('readAppDocumentText', () => {
  it('refuses empty text, text that is not JSON, and text that cannot be stored, naming the field', () => {
    const fieldOf = (text: string) => {
      try {
        readAppDocumentText(text);
      } catch (e) {
        if (e instanceof AppError) return e.meta.fieldErrors;
      }
      throw new Error('expected a refusal');
    };
    expect(fieldOf('  ')).toEqual({ document: ['Choose an export file or paste its text.'] });
    expect(fieldOf('{"format":')?.document?.[0]).toMatch(/^The document is not valid JSON: /);
    expect(fieldOf('{"app":{"name":"a\\u0000b"}}')).toEqual({
      'app.name': [expect.stringContaining('NUL')],
    });
    expect(readAppDocumentText(JSON.stringify(document()))).toEqual(document());
  });
});
