// An app's definition: pages of components, and the queries they run. Validated with zod; every
// problem names its path (`pages[0].components[2].query`) so the editor can point at it.
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { ExpressionError, parseTemplate, referencedPaths } from './expressions';
import { parseSqlTemplate } from './sql';

const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use letters, digits and _ (not starting with a digit).')
  .max(64)
  .refine((n) => !['current_user', '__proto__', 'constructor', 'prototype'].includes(n), 'This name is reserved.');
/** A template: text with `{{ }}` expressions (checked after parsing). */
const template = z.string().max(20_000);

const base = { name, hidden: template.optional(), disabled: template.optional() };

export const componentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), ...base, value: template }),
  z.strictObject({ type: z.literal('table'), ...base, query: name, pageSize: z.number().int().min(1).max(500).default(20) }),
  z.strictObject({ type: z.literal('textInput'), ...base, label: z.string().max(200).default(''), defaultValue: template.optional() }),
  z.strictObject({ type: z.literal('numberInput'), ...base, label: z.string().max(200).default(''), defaultValue: template.optional() }),
  z.strictObject({
    type: z.literal('select'),
    ...base,
    label: z.string().max(200).default(''),
    options: z.array(z.strictObject({ label: z.string().max(200), value: z.string().max(2_000) })).max(500),
  }),
  z.strictObject({ type: z.literal('button'), ...base, label: z.string().max(200), query: name }),
  z.strictObject({
    type: z.literal('form'),
    ...base,
    fields: z.array(z.strictObject({ name, label: z.string().max(200).default(''), input: z.enum(['text', 'number']) })).max(100),
    submitQuery: name,
  }),
  z.strictObject({ type: z.literal('stat'), ...base, label: z.string().max(200), value: template }),
]);

const queryBase = {
  name,
  resourceId: z.uuid(),
  /** Parameters whose values never reach audit rows, logs or error messages: `password` hides `password.value` too. */
  disableLoggingFor: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'Name a parameter such as password.value.'))
    .max(50)
    .default([]),
};

const sqlQuery = z.strictObject({ type: z.literal('sql'), ...queryBase, sql: z.string().min(1).max(100_000) });
const restQuery = z.strictObject({
  type: z.literal('rest'),
  ...queryBase,
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: template.regex(/^\//, 'Start the path with /.'),
  params: z
    .array(z.strictObject({ name: z.string().min(1).max(200), value: template }))
    .max(50)
    .default([]),
  body: template.optional(),
});

/** A query of the query library, pinned to one of its versions; it runs as if written here. */
const libraryQueryRef = z.strictObject({ type: z.literal('library'), name, libraryQueryId: z.uuid(), version: z.number().int().min(1) });

export const querySchema = z.discriminatedUnion('type', [sqlQuery, restQuery, libraryQueryRef]);

/** A query body as the query library stores it: a SQL or REST query without its name and resource. */
export const queryBodySchema = z.discriminatedUnion('type', [
  sqlQuery.omit({ name: true, resourceId: true }),
  restQuery.omit({ name: true, resourceId: true }),
]);

/** A definition as saved (`rules`: hidden and disabled read only current_user) or as stored before that rule (`rules` off). */
const definitionSchema = (rules: boolean) =>
  z
    .strictObject({
      pages: z
        .array(z.strictObject({ name, components: z.array(componentSchema).max(500) }))
        .min(1, 'An app needs at least one page.')
        .max(50),
      queries: z.array(querySchema).max(200).default([]),
    })
    .superRefine((def, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const seen = new Map<string, string>();
      const claim = (n: string, path: (string | number)[]) => {
        const where = formatPath(path);
        if (seen.has(n)) issue([...path, 'name'], `"${n}" is already used by ${seen.get(n)}.`);
        else seen.set(n, where);
      };
      def.queries.forEach((q, i) => claim(q.name, ['queries', i]));
      const queryNames = new Set(def.queries.map((q) => q.name));
      const checkTemplate = (value: string | undefined, path: (string | number)[]) => {
        if (value === undefined) return;
        try {
          parseTemplate(value);
        } catch (e) {
          if (e instanceof ExpressionError) issue(path, e.message);
          else throw e;
        }
      };
      // hidden and disabled are decided on the server for the signed-in user (lib/apps/view.ts).
      const checkRule = (value: string | undefined, path: (string | number)[]) => {
        if (value === undefined) return;
        if (!rules) return checkTemplate(value, path);
        try {
          const reads = parseTemplate(value).flatMap((p) => ('expr' in p ? referencedPaths(p.expr).map((r) => r.split('.')[0]!) : []));
          const other = reads.find((r) => r !== 'current_user');
          if (other !== undefined)
            issue(path, `This rule is decided on the server for the signed-in user, so it can read only current_user, not "${other}".`);
        } catch (e) {
          if (e instanceof ExpressionError) issue(path, e.message);
          else throw e;
        }
      };
      const pageNames = new Set<string>();
      def.pages.forEach((page, p) => {
        if (pageNames.has(page.name)) issue(['pages', p, 'name'], `There is already a page named "${page.name}".`);
        pageNames.add(page.name);
        page.components.forEach((c, i) => {
          const at = ['pages', p, 'components', i];
          claim(c.name, at);
          checkRule(c.hidden, [...at, 'hidden']);
          checkRule(c.disabled, [...at, 'disabled']);
          if (c.type === 'text' || c.type === 'stat') checkTemplate(c.value, [...at, 'value']);
          if ((c.type === 'textInput' || c.type === 'numberInput') && c.defaultValue !== undefined)
            checkTemplate(c.defaultValue, [...at, 'defaultValue']);
          const ref =
            c.type === 'table' || c.type === 'button'
              ? { key: 'query', q: c.query }
              : c.type === 'form'
                ? { key: 'submitQuery', q: c.submitQuery }
                : null;
          if (ref && !queryNames.has(ref.q)) issue([...at, ref.key], `There is no query named "${ref.q}".`);
        });
      });
      def.queries.forEach((q, i) => {
        if (q.type !== 'library') for (const p of queryBodyProblems(q)) issue(['queries', i, ...p.path], p.message);
      });
    });

/** What a save, a release and an import accept. */
export const appDefinitionSchema = definitionSchema(true);
/** What a stored release is read with: one saved before hidden and disabled were limited to current_user still opens (lib/apps/view.ts denies such a rule). */
const storedDefinitionSchema = definitionSchema(false);

/** Template problems of a SQL or REST query (a `{{ }}` that does not parse or would splice text), by path. */
export function queryBodyProblems(q: z.infer<typeof queryBodySchema>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const check = (path: (string | number)[], parse: () => unknown) => {
    try {
      parse();
    } catch (e) {
      if (e instanceof ExpressionError) out.push({ path, message: e.message });
      else throw e;
    }
  };
  if (q.type === 'sql') check(['sql'], () => parseSqlTemplate(q.sql));
  else {
    check(['path'], () => parseTemplate(q.path));
    q.params.forEach((pr, j) => check(['params', j, 'value'], () => parseTemplate(pr.value)));
    if (q.body !== undefined) check(['body'], () => parseTemplate(q.body!));
  }
  return out;
}

export type AppDefinition = z.infer<typeof appDefinitionSchema>;
export type AppComponent = z.infer<typeof componentSchema>;
export type AppQuery = z.infer<typeof querySchema>;
/** A query that runs as it is: SQL or REST (a library reference resolved to its version). */
export type RunnableQuery = Exclude<AppQuery, { type: 'library' }>;
export type QueryBody = z.infer<typeof queryBodySchema>;

/** `['pages', 0, 'components', 2, 'query']` → `pages[0].components[2].query`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

/** Parses a definition to save it, or throws invalid_input whose field errors are keyed by path. */
export function parseAppDefinition(raw: unknown): AppDefinition {
  return parseWith(appDefinitionSchema, raw);
}

/** Parses a stored definition to run or show it: today's rules on hidden and disabled are not applied to it (lib/apps/view.ts decides such rules as true). */
export function parseStoredDefinition(raw: unknown): AppDefinition {
  return parseWith(storedDefinitionSchema, raw);
}

function parseWith(schema: typeof appDefinitionSchema, raw: unknown): AppDefinition {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const i of result.error.issues) (fieldErrors[formatPath(i.path) || 'definition'] ??= []).push(i.message);
  const [firstPath, [firstMessage] = []] = Object.entries(fieldErrors)[0]!;
  throw new AppError('invalid_input', `The app definition is not valid: ${firstPath}: ${firstMessage}`, { fieldErrors });
}
