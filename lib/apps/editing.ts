// Pure helpers for the app editor: what a definition's problems are (by path, as the server
// reports them), starting points for each component and query type, and list moves. The editor
// edits the definition as plain JSON, so these work on loosely typed drafts too.
import { appDefinitionSchema, formatPath, type AppComponent, type AppQuery } from './definition';
import { findUnstorableText, UNSTORABLE_TEXT } from '@/lib/storable-text';

export const COMPONENT_TYPES = [
  'text',
  'table',
  'textInput',
  'numberInput',
  'select',
  'button',
  'form',
  'stat',
] as const satisfies readonly AppComponent['type'][];
export type ComponentType = (typeof COMPONENT_TYPES)[number];

export const COMPONENT_LABELS: Record<ComponentType, string> = {
  text: 'Text',
  table: 'Table',
  textInput: 'Text input',
  numberInput: 'Number input',
  select: 'Select',
  button: 'Button',
  form: 'Form',
  stat: 'Stat',
};

/** A draft as the editor holds it: JSON that may not (yet) be a valid definition. */
export type DraftJson = { pages: { name: string; components: Record<string, unknown>[] }[]; queries: Record<string, unknown>[] };

export type Problem = { path: string; message: string };

export const STARTER_DEFINITION: DraftJson = { pages: [{ name: 'main', components: [] }], queries: [] };

/** Parses the editor's text: a JSON syntax error, or every schema problem keyed by its path. */
export function checkDefinitionText(text: string): { json: unknown; problems: Problem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      json: undefined,
      problems: [{ path: 'definition', message: `Not valid JSON: ${e instanceof Error ? e.message : 'syntax error'}.` }],
    };
  }
  const unstorable = findUnstorableText(json);
  if (unstorable !== null)
    return {
      json,
      problems: [{ path: unstorable === '(the body)' ? 'definition' : unstorable, message: `This text ${UNSTORABLE_TEXT}.` }],
    };
  const result = appDefinitionSchema.safeParse(json);
  if (result.success) return { json, problems: [] };
  return { json, problems: result.error.issues.map((i) => ({ path: formatPath(i.path) || 'definition', message: i.message })) };
}

/** Whether the JSON has the shape the component list and query panel can edit (pages of components, queries). */
export function asDraft(json: unknown): DraftJson | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const d = json as Record<string, unknown>;
  if (!Array.isArray(d.pages) || d.pages.length === 0) return null;
  if (d.queries !== undefined && !Array.isArray(d.queries)) return null;
  for (const p of d.pages) {
    if (!p || typeof p !== 'object' || !Array.isArray((p as Record<string, unknown>).components)) return null;
    if ((p as { components: unknown[] }).components.some((c) => !c || typeof c !== 'object' || Array.isArray(c))) return null;
  }
  if (((d.queries as unknown[] | undefined) ?? []).some((q) => !q || typeof q !== 'object' || Array.isArray(q))) return null;
  return { ...(d as DraftJson), queries: (d.queries as Record<string, unknown>[] | undefined) ?? [] };
}

/** Every name a draft uses (components and queries share one namespace). */
export function usedNames(draft: DraftJson): Set<string> {
  const names = new Set<string>();
  for (const p of draft.pages) for (const c of p.components) if (typeof c.name === 'string') names.add(c.name);
  for (const q of draft.queries) if (typeof q.name === 'string') names.add(q.name);
  return names;
}

/** `base1`, `base2`, … : the first one the draft does not use. */
export function uniqueName(base: string, taken: Set<string>): string {
  for (let n = 1; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/** A new component of `type` that validates as it is (given a query to point at, for those that need one). */
export function newComponent(type: ComponentType, name: string, queryName: string): AppComponent {
  switch (type) {
    case 'text':
      return { type, name, value: 'Hello {{ current_user.firstName }}' };
    case 'table':
      return { type, name, query: queryName, pageSize: 20 };
    case 'textInput':
    case 'numberInput':
      return { type, name, label: type === 'textInput' ? 'Text' : 'Number' };
    case 'select':
      return { type, name, label: 'Choose', options: [{ label: 'One', value: '1' }] };
    case 'button':
      return { type, name, label: 'Run', query: queryName };
    case 'form':
      return { type, name, fields: [{ name: 'value', label: 'Value', input: 'text' }], submitQuery: queryName };
    case 'stat':
      return { type, name, label: 'Rows', value: `{{ ${queryName || 'query1'}.data.length }}` };
  }
}

export function newQuery(type: 'sql' | 'rest', name: string, resourceId: string): AppQuery {
  return type === 'sql'
    ? { type, name, resourceId, sql: 'select 1 as one', disableLoggingFor: [] }
    : { type, name, resourceId, method: 'GET', path: '/', params: [], disableLoggingFor: [] };
}

/** A reference to a library query, pinned to the version it has now. */
export function newLibraryQuery(name: string, library: { id: string; latestVersion: number }): AppQuery {
  return { type: 'library', name, libraryQueryId: library.id, version: library.latestVersion };
}

/** `items` with the element at `from` moved to `to` (a copy; out-of-range moves change nothing). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const copy = [...items];
  if (from < 0 || from >= copy.length || to < 0 || to >= copy.length) return copy;
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

/** `label=value` per line ↔ select options. */
export function optionsToText(options: unknown): string {
  return Array.isArray(options)
    ? options.map((o: { label?: unknown; value?: unknown }) => `${String(o?.label ?? '')}=${String(o?.value ?? '')}`).join('\n')
    : '';
}
export function textToOptions(text: string): { label: string; value: string }[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const at = l.indexOf('=');
      return at === -1 ? { label: l.trim(), value: l.trim() } : { label: l.slice(0, at).trim(), value: l.slice(at + 1).trim() };
    });
}

/** `name, label, text|number` per line ↔ form fields. */
export function fieldsToText(fields: unknown): string {
  return Array.isArray(fields)
    ? fields
        .map(
          (f: { name?: unknown; label?: unknown; input?: unknown }) =>
            `${String(f?.name ?? '')}, ${String(f?.label ?? '')}, ${String(f?.input ?? 'text')}`,
        )
        .join('\n')
    : '';
}
export function textToFields(text: string): { name: string; label: string; input: string }[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name = '', label = '', input = 'text'] = l.split(',').map((s) => s.trim());
      return { name, label, input: input || 'text' };
    });
}
