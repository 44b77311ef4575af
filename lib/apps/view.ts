// What a viewer's browser receives of an app (decision 0032). The server decides each component's
// `hidden` and `disabled` for the signed-in user and keeps the rules: a hidden component is left
// out, a disabled one arrives as `disabled: true`. Queries arrive as names with the inputs they
// read, only those a visible, enabled component runs; their SQL, REST requests and resources stay
// on the server, and the run endpoint refuses every other query (`queryAccess`). Pure: the
// editor's preview builds the same view in the browser from the draft it already holds.
import type { AppComponent, AppDefinition, AppQuery, RunnableQuery } from './definition';
import { evaluate, parseTemplate, referencedPaths, toText, type Node, type TemplatePart } from './expressions';
import type { CurrentUser } from './reads';
import { parseSqlTemplate } from './sql';

/** A template as sent: resolved on the server when it reads nothing but current_user, else the template the browser evaluates. */
export type ViewValue = { value: unknown } | { error: string } | { template: string };

type Resolved<C> = C extends AppComponent
  ? Omit<C, 'hidden' | 'disabled' | 'value' | 'defaultValue' | 'submitQuery' | (C extends { type: 'button' } ? 'query' : never)> & {
      disabled: boolean;
    } & (C extends { value: string } ? { value: ViewValue } : unknown) &
      (C extends { defaultValue?: string } ? { defaultValue?: ViewValue } : unknown) &
      (C extends { type: 'button' } ? { query: string | null } : unknown) &
      (C extends { type: 'form' } ? { submitQuery: string | null } : unknown)
  : never;

/** A visible component with its state resolved for one user; a disabled button or form does not name its query. */
export type ViewComponent = Resolved<AppComponent>;

/** A query the viewer may run: its name and the values it reads (null: all, in the editor's preview of a library query). */
export type ViewQuery = { name: string; inputs: string[] | null };

export type AppView = { pages: { name: string; components: ViewComponent[] }[]; queries: ViewQuery[] };

/** Why a released app's query may not run for this user. */
export type QueryRefusal = 'hidden' | 'disabled' | 'not_released';

export type QueryAccess = { allowed: true; inputsOf: (query: RunnableQuery) => string[] } | { allowed: false; reason: QueryRefusal };

const CURRENT_USER = 'current_user';

type Template = { source: string; parts: TemplatePart[]; roots: Set<string> };

function rootsOf(nodes: Node[]): Set<string> {
  return new Set(nodes.flatMap((n) => referencedPaths(n).map((p) => p.split('.')[0]!)));
}

function parsed(source: string | undefined): Template | null | Error {
  if (source === undefined || source === '') return null;
  try {
    const parts = parseTemplate(source);
    return { source, parts, roots: rootsOf(parts.flatMap((p) => ('expr' in p ? [p.expr] : []))) };
  } catch (e) {
    return e instanceof Error ? e : new Error('The expression does not parse.');
  }
}

/** Whether a template reads nothing the browser holds (only current_user, or no names at all). */
const readsOnlyCurrentUser = (t: Template) => [...t.roots].every((r) => r === CURRENT_USER);

function evaluateParsed(t: Template, currentUser: CurrentUser): unknown {
  const scope = { [CURRENT_USER]: currentUser };
  if (t.parts.length === 1 && 'expr' in t.parts[0]!) return evaluate(t.parts[0].expr, scope);
  return t.parts.map((p) => ('text' in p ? p.text : toText(evaluate(p.expr, scope)))).join('');
}

/**
 * A `hidden` or `disabled` rule for this user. Deny by default: a rule that fails, or that reads
 * anything but current_user (which a definition saved today cannot), counts as true.
 */
function rule(t: Template | null | Error, currentUser: CurrentUser): boolean {
  if (t === null) return false;
  if (t instanceof Error || !readsOnlyCurrentUser(t)) return true;
  try {
    return Boolean(evaluateParsed(t, currentUser));
  } catch {
    return true;
  }
}

function viewValue(t: Template | null | Error, source: string, currentUser: CurrentUser): ViewValue {
  if (t === null) return { value: source };
  if (t instanceof Error) return { error: t.message };
  if (!readsOnlyCurrentUser(t)) return { template: source };
  try {
    return { value: evaluateParsed(t, currentUser) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'Expression failed.' };
  }
}

/** The query a component runs, if any. */
export function queryOfComponent(c: AppComponent): string | null {
  return c.type === 'table' || c.type === 'button' ? c.query : c.type === 'form' ? c.submitQuery : null;
}

/** Every `{{ }}` of a query, in the order its parameters are bound. */
export function queryExpressions(query: RunnableQuery): { source: string; node: Node }[] {
  if (query.type === 'sql') return parseSqlTemplate(query.sql).expressions;
  const out: { source: string; node: Node }[] = [];
  for (const t of [query.path, ...query.params.map((p) => p.value), query.body ?? '']) {
    for (const part of parseTemplate(t)) if ('expr' in part) out.push({ source: part.source, node: part.expr });
  }
  return out;
}

/** The names (components, other queries) a query's templates read, current_user aside. */
export function queryReads(query: RunnableQuery): Set<string> {
  const roots = rootsOf(queryExpressions(query).map((e) => e.node));
  roots.delete(CURRENT_USER);
  return roots;
}

type Analysis = {
  pages: { name: string; components: { component: AppComponent; hidden: Template | null | Error; disabled: Template | null | Error }[] }[];
  queryNames: Set<string>;
};

/** Parsed rules per definition: releases are cached objects (lib/apps/run-query.ts), so each is parsed once. */
const analyses = new WeakMap<AppDefinition, Analysis>();

function analyze(definition: AppDefinition): Analysis {
  let a = analyses.get(definition);
  if (!a) {
    a = {
      pages: definition.pages.map((p) => ({
        name: p.name,
        components: p.components.map((c) => ({ component: c, hidden: parsed(c.hidden), disabled: parsed(c.disabled) })),
      })),
      queryNames: new Set(definition.queries.map((q) => q.name)),
    };
    analyses.set(definition, a);
  }
  return a;
}

type Decided = { component: AppComponent; disabled: boolean };

/** The components this user sees, page by page, with `disabled` decided. */
function decide(definition: AppDefinition, currentUser: CurrentUser): { name: string; components: Decided[] }[] {
  return analyze(definition).pages.map((p) => ({
    name: p.name,
    components: p.components
      .filter((c) => !rule(c.hidden, currentUser))
      .map((c) => ({ component: c.component, disabled: rule(c.disabled, currentUser) })),
  }));
}

/** The queries this user may run: those a visible table, or a visible and enabled button or form, runs. */
function runnable(pages: { components: Decided[] }[]): Set<string> {
  const out = new Set<string>();
  for (const { component: c, disabled } of pages.flatMap((p) => p.components)) {
    const q = queryOfComponent(c);
    if (q !== null && (!disabled || c.type === 'table')) out.add(q);
  }
  return out;
}

/** The values a query may be sent: the names it reads that this user's page holds (visible components, runnable queries). */
function inputsOf(query: RunnableQuery, pages: { components: Decided[] }[], queries: Set<string>): string[] {
  const present = new Set([...pages.flatMap((p) => p.components.map((c) => c.component.name)), ...queries]);
  return [...queryReads(query)].filter((n) => present.has(n)).sort();
}

function resolveComponent({ component, disabled }: Decided, currentUser: CurrentUser): ViewComponent {
  const { hidden: _hidden, disabled: _disabled, ...rest } = component;
  const out: Record<string, unknown> = { ...rest, disabled };
  if (disabled && component.type === 'button') out.query = null;
  if (disabled && component.type === 'form') out.submitQuery = null;
  if ('value' in component && typeof component.value === 'string')
    out.value = viewValue(parsed(component.value), component.value, currentUser);
  if ('defaultValue' in component && component.defaultValue !== undefined)
    out.defaultValue = viewValue(parsed(component.defaultValue), component.defaultValue, currentUser);
  return out as ViewComponent;
}

/**
 * The app as this user's browser receives it. `bodyOf` gives a query as it runs (a library
 * reference resolved); without it (the editor's preview of a library query) inputs are null.
 */
export function appViewFor(
  definition: AppDefinition,
  currentUser: CurrentUser,
  bodyOf: (q: AppQuery) => RunnableQuery | undefined = (q) => (q.type === 'library' ? undefined : q),
): AppView {
  const pages = decide(definition, currentUser);
  const queries = runnable(pages);
  return {
    pages: pages.map((p) => ({ name: p.name, components: p.components.map((c) => resolveComponent(c, currentUser)) })),
    queries: definition.queries
      .filter((q) => queries.has(q.name))
      .map((q) => {
        const body = bodyOf(q);
        return { name: q.name, inputs: body ? inputsOf(body, pages, queries) : null };
      }),
  };
}

/** Whether this user may run `queryName` of a released app, and which values it may be sent. */
export function queryAccess(definition: AppDefinition, currentUser: CurrentUser, queryName: string): QueryAccess {
  if (!analyze(definition).queryNames.has(queryName)) return { allowed: false, reason: 'not_released' };
  const pages = decide(definition, currentUser);
  const queries = runnable(pages);
  if (!queries.has(queryName)) {
    const shownDisabled = pages.some((p) => p.components.some((c) => c.disabled && queryOfComponent(c.component) === queryName));
    return { allowed: false, reason: shownDisabled ? 'disabled' : 'hidden' };
  }
  return { allowed: true, inputsOf: (query) => inputsOf(query, pages, queries) };
}

/** The message a refused run gets: the same for every reason, so it tells nothing about what is hidden. */
export const REFUSED_QUERY_MESSAGE = 'This query is not available to you in this app.';
