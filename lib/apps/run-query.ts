// Running an app's query: the one path from a browser to a resource. The query comes from the
// stored definition (the release, or the draft for editors), never from the request; the request
// brings only component values. `current_user` is the session's user. SQL becomes a
// parameterized statement, REST values are URL/JSON encoded. Every run — failed ones too — is
// recorded as QUERY_RUN in the seed's shape; a request claiming another current_user is refused
// and recorded as QUERY_SPOOF_BLOCKED.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db';
import {
  appDrafts,
  appReleases,
  environments,
  objects,
  organizations,
  resourceConfigs,
  users,
  type OrganizationSettings,
  type User,
} from '@/db/schema';
import { canonicalJson } from '@/lib/audit/canonical-json';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { loadSnapshot } from '@/lib/authz/snapshot';
import type { EnvironmentSummary } from '@/lib/environments/reads';
import { AppError } from '@/lib/errors';
import { pgPool, POOL_SETTINGS } from '@/lib/resources/pools';
import { redact, resolveResourceConfig, type ResolvedResource } from '@/lib/resources/runtime';
import { withSampleDatabase } from '@/lib/resources/sample';
import { actorUserId, runMutation, type MutationCtx, type MutationInit } from '@/lib/server/mutation';
import { parseStoredDefinition, type AppDefinition, type RunnableQuery } from './definition';
import { ExpressionError, evaluate, parseTemplate, referencedPaths, toText, type Node, type Scope } from './expressions';
import { currentUserFor, releasedDefinition, runnableQuery, type CurrentUser } from './reads';
import { preventsQuerySpoofing } from './settings';
import { hideParameter, isHiddenExpression, textForms } from './hidden';
import { parseSqlTemplate, toParameter } from './sql';
import { queryAccess, queryExpressions, REFUSED_QUERY_MESSAGE } from './view';

/** Rows a SQL query returns to the browser at most; the rest are dropped and `truncated` says so. */
export const ROW_CAP = 10_000;
/** The sample's server-side cursor; it lives in a savepoint that is always rolled back. */
const SAMPLE_CURSOR = 'gatehouse_rows';
const REST_TIMEOUT_MS = 30_000;
const REST_MAX_BYTES = 5 * 1024 * 1024;

const RESERVED = new Set(['current_user', '__proto__', 'constructor', 'prototype']);
/** The shape of a query's name (lib/apps/definition.ts): only such a name is written to the audit log. */
const QUERY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const runQueryInput = z.strictObject({
  /** `latest`: the draft (editors only); `released`: the newest release (the default). */
  pageVersion: z.enum(['latest', 'released']).default('released'),
  /** Another environment than the default (editors only). */
  environmentId: z.uuid().optional(),
  pageName: z.string().max(64).optional(),
  /** Component values by component name: the only template values a request may bring. */
  values: z.record(z.string(), z.unknown()).default({}),
  /** What the browser believes current_user is; compared with the session, never trusted when spoofing prevention is on. */
  current_user: z.record(z.string(), z.unknown()).optional(),
});
export type RunQueryInput = z.input<typeof runQueryInput>;

export type QueryRunResult =
  | { ok: true; data: unknown; rowCount: number | null; truncated: boolean; status: number | null; responseTimeMs: number }
  | { ok: false; error: string; status: number | null; responseTimeMs: number };

/** A refusal is recorded and committed first, then thrown as 403 with `message`. */
type Outcome = { refused: string } | { result: QueryRunResult };

type Parameter = { source: string; node: Node; hidden: boolean };

/** Runs the query and records it; a spoofing attempt is recorded, committed, then refused with 403. */
export async function runAppQuery(init: MutationInit, appId: string, queryName: string, raw: unknown): Promise<QueryRunResult> {
  const parsed = runQueryInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_input', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  if (!z.uuid().safeParse(appId).success) throw new AppError('not_found', 'No such app.');
  const input = parsed.data;
  const outcome = await runMutation(init, (ctx) => runQuery(ctx, appId, queryName, input));
  if ('refused' in outcome) throw new AppError('forbidden', outcome.refused);
  return outcome.result;
}

type RunContext = {
  app: { id: string; name: string; folderId: string | null };
  /** The newest release's version, null before the first release. */
  releaseVersion: number | null;
  env: EnvironmentSummary;
  settings: OrganizationSettings;
  /** The acting user's row, read in this transaction (also the audit events' user snapshot). */
  user: User;
};

/**
 * The app, the environment (the default unless one is named), the organization's settings and
 * the acting user, in one round trip; each scoped to the organization from the session.
 */
async function loadRunContext(ctx: MutationCtx, orgId: string, appId: string, environmentId: string | undefined): Promise<RunContext> {
  const userId = actorUserId(ctx.actor);
  if (!userId) throw new AppError('unauthenticated', 'Sign in first.');
  const envMatch = environmentId ? eq(environments.id, environmentId) : eq(environments.isDefault, true);
  const [row] = await ctx.tx
    .select({
      settings: organizations.settings,
      env: { id: environments.id, name: environments.name, color: environments.color, isDefault: environments.isDefault },
      user: users,
      app: { id: objects.id, name: objects.name, folderId: objects.folderId },
      releaseVersion: sql<
        number | null
      >`(select max(${appReleases.version}) from ${appReleases} where ${appReleases.appId} = ${objects.id} and ${appReleases.organizationId} = ${orgId})`,
    })
    .from(organizations)
    .leftJoin(environments, and(eq(environments.organizationId, organizations.id), envMatch))
    .leftJoin(users, and(eq(users.organizationId, organizations.id), eq(users.id, userId)))
    .leftJoin(objects, and(eq(objects.organizationId, organizations.id), eq(objects.kind, 'app'), eq(objects.id, appId)))
    .where(eq(organizations.id, orgId));
  if (!row?.user) throw new AppError('unauthenticated', 'Sign in first.');
  if (!row.app) throw new AppError('not_found', 'No such app.');
  if (!row.env) throw new AppError('not_found', environmentId ? 'No such environment.' : 'This organization has no default environment.');
  return {
    app: row.app,
    env: row.env,
    settings: row.settings,
    user: row.user,
    releaseVersion: row.releaseVersion === null ? null : Number(row.releaseVersion),
  };
}

async function loadDefinition(
  ctx: MutationCtx,
  orgId: string,
  appId: string,
  pageVersion: 'latest' | 'released',
  releaseVersion: number | null,
) {
  if (pageVersion === 'latest') {
    const [draft] = await ctx.tx
      .select({ definition: appDrafts.definition })
      .from(appDrafts)
      .where(and(eq(appDrafts.appId, appId), eq(appDrafts.organizationId, orgId)));
    if (!draft) throw new AppError('not_found', 'This app has no draft.');
    return { definition: parseStoredDefinition(draft.definition), releaseVersion: null };
  }
  if (releaseVersion === null) throw new AppError('not_found', 'This app has not been released yet.');
  const definition = await releasedDefinition(orgId, appId, releaseVersion, ctx.tx);
  if (!definition) throw new AppError('not_found', 'This app has not been released yet.');
  return { definition, releaseVersion };
}

/** The current_user fields a request claims differently from the session's. */
export function spoofedFields(claimed: Record<string, unknown> | undefined, actual: CurrentUser): string[] {
  if (!claimed) return [];
  const real = actual as unknown as Record<string, unknown>;
  return Object.keys(claimed)
    .filter((k) => !Object.hasOwn(real, k) || canonicalJson(claimed[k]) !== canonicalJson(real[k]))
    .sort();
}

function parametersOf(query: RunnableQuery): Parameter[] {
  return queryExpressions(query).map((n) => ({ ...n, hidden: isHiddenExpression(referencedPaths(n.node), query.disableLoggingFor) }));
}

/**
 * The request's values as the query's scope. A released app's query takes only its inputs (the
 * names it reads that the user's page holds); the editor's draft takes any component or query.
 */
function checkedValues(definition: AppDefinition, queryName: string, inputs: string[] | null, values: Record<string, unknown>): Scope {
  const known = inputs
    ? new Set(inputs)
    : new Set([...definition.pages.flatMap((p) => p.components.map((c) => c.name)), ...definition.queries.map((q) => q.name)]);
  const scope: Scope = Object.create(null) as Scope;
  for (const [k, v] of Object.entries(values)) {
    if (RESERVED.has(k)) throw new AppError('invalid_input', `"${k}" cannot be sent as a component value.`);
    if (!known.has(k))
      throw new AppError(
        'invalid_input',
        inputs ? `Query "${queryName}" does not read "${k}"; send only its inputs.` : `This app has no component or query named "${k}".`,
      );
    scope[k] = v;
  }
  return scope;
}

/** JSON-safe rows: bigints as text. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
}

/**
 * Runs the compiled statement and keeps at most ROW_CAP + 1 rows in memory, whatever the query
 * returns: a postgres.js cursor on a Postgres resource (closed after the first batch), a
 * server-side cursor (DECLARE … FETCH) in the sample's read-only transaction. `rowCount` is the
 * number of rows returned or affected; null when truncated (the total was never counted).
 */
async function runSql(ctx: MutationCtx, resolved: ResolvedResource, query: Extract<RunnableQuery, { type: 'sql' }>, values: unknown[]) {
  const { strings } = parseSqlTemplate(query.sql);
  const config = resolved.config;
  let rows: unknown[] = [];
  let affected: number | null = null;
  if (config.type === 'postgres') {
    const text = strings.map((s, n) => (n < values.length ? `${s}$${n + 1}` : s)).join('');
    const pool = pgPool(resolved.resourceId, resolved.environment.id, config.connection);
    // One batch of ROW_CAP + 1 rows: more means truncated, and leaving the loop closes the portal.
    // A write (INSERT/UPDATE … without RETURNING) yields one empty batch carrying its count.
    for await (const batch of pool.unsafe(text, values as never[]).cursor(ROW_CAP + 1)) {
      rows = [...batch];
      affected = (batch as unknown as { count: number | null }).count ?? null;
      break;
    }
  } else if (config.type === 'sample') {
    const chunks: SQL[] = [sql.raw(`declare ${SAMPLE_CURSOR} no scroll cursor for `)];
    strings.forEach((s, n) => {
      chunks.push(sql.raw(s));
      if (n < values.length) chunks.push(sql`${values[n]}`);
    });
    rows = await withSampleDatabase(
      async (tx) => {
        await tx.execute(sql.join(chunks, sql.raw('')));
        return queryRows<unknown>(tx, sql.raw(`fetch forward ${ROW_CAP + 1} from ${SAMPLE_CURSOR}`));
      },
      POOL_SETTINGS.statementTimeoutMs,
      ctx.tx,
    );
  } else {
    throw new AppError('invalid_input', 'This query is SQL but its resource is a REST API.');
  }
  const truncated = rows.length > ROW_CAP;
  const rowCount = truncated ? null : rows.length > 0 ? rows.length : (affected ?? 0);
  return { data: plain(truncated ? rows.slice(0, ROW_CAP) : rows), rowCount, truncated, status: 200, statusText: 'OK' };
}

/** A path segment value: URL-encoded, and never `.`/`..` (which would climb out of the path). */
function pathValue(v: unknown): string {
  return encodeURIComponent(toText(v)).replace(/\./g, '%2E');
}

async function runRest(resolved: ResolvedResource, query: Extract<RunnableQuery, { type: 'rest' }>, scope: Scope) {
  const config = resolved.config;
  if (config.type !== 'rest') throw new AppError('invalid_input', 'This query is REST but its resource is a database.');
  const path = parseTemplate(query.path)
    .map((p) => ('text' in p ? p.text : pathValue(evaluate(p.expr, scope))))
    .join('');
  const base = new URL(config.baseUrl);
  const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
  if (url.origin !== base.origin) throw new AppError('invalid_input', 'The query path must stay on the resource.');
  for (const p of query.params) url.searchParams.append(p.name, toText(evaluateTemplateParts(p.value, scope, toText)));
  let body: string | undefined;
  if (query.body !== undefined && query.method !== 'GET') {
    body = evaluateTemplateParts(query.body, scope, (v) => JSON.stringify(v === undefined ? null : v));
    try {
      JSON.parse(body);
    } catch {
      throw new AppError('invalid_input', 'The request body is not valid JSON once its values are filled in.');
    }
  }
  const res = await fetch(url, {
    method: query.method,
    headers: { ...config.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), accept: 'application/json' },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(REST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (text.length > REST_MAX_BYTES) throw new AppError('invalid_input', 'The API answered with more than 5 MB.');
  let data: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  return { data, status: res.status, statusText: res.statusText || String(res.status), ok: res.status < 400 };
}

/** A template where each `{{ }}` is rendered by `render` (text parts as they are). */
function evaluateTemplateParts(template: string, scope: Scope, render: (v: unknown) => string): string {
  return parseTemplate(template)
    .map((p) => ('text' in p ? p.text : render(evaluate(p.expr, scope))))
    .join('');
}

function describeFailure(e: unknown): string {
  if (e instanceof AppError || e instanceof ExpressionError) return e.message;
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'No answer in time.';
  const message = err.cause?.message ?? err.message ?? 'Unknown error.';
  const code = err.code ?? err.cause?.code;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** The resource and its configuration in an environment, in one read (scoped to the organization). */
async function readResource(ctx: MutationCtx, orgId: string, resourceId: string, environmentId: string) {
  const [found] = await ctx.tx
    .select({ resource: { id: objects.id, name: objects.name }, config: resourceConfigs })
    .from(objects)
    .leftJoin(
      resourceConfigs,
      and(
        eq(resourceConfigs.resourceId, objects.id),
        eq(resourceConfigs.environmentId, environmentId),
        eq(resourceConfigs.organizationId, orgId),
      ),
    )
    .where(and(eq(objects.id, resourceId), eq(objects.organizationId, orgId), eq(objects.kind, 'resource')));
  return found;
}

/**
 * The run inside its transaction: Use on the app (Edit for the draft or another environment than
 * the default, checked for that environment), then the query, then QUERY_RUN.
 */
export async function runQuery(
  ctx: MutationCtx,
  appId: string,
  queryName: string,
  input: z.output<typeof runQueryInput>,
): Promise<Outcome> {
  if (!ctx.orgId) throw new AppError('unauthenticated', 'Sign in first.');
  const orgId = ctx.orgId;
  // The run's context and the user's groups and grants (what authorize() reads), sent together.
  const [context, snapshot] = await Promise.allSettled([
    loadRunContext(ctx, orgId, appId, input.environmentId),
    ctx.snapshot ?? (actorUserId(ctx.actor) ? loadSnapshot(orgId, actorUserId(ctx.actor)!, ctx.tx) : undefined),
  ]);
  if (context.status === 'rejected') throw context.reason;
  if (snapshot.status === 'rejected') throw snapshot.reason;
  ctx.snapshot = snapshot.value;
  const { app, env, settings, user, releaseVersion: newest } = context.value;
  const target = { kind: 'app' as const, id: app.id, folderId: app.folderId, environmentId: env.id };
  await authorize(ctx, 'run', target);
  // Viewers run the release in the default environment; the draft and a switched environment are the editor's.
  if (input.pageVersion === 'latest' || !env.isDefault) await authorize(ctx, 'edit', target);

  const { definition, releaseVersion } = await loadDefinition(ctx, orgId, app.id, input.pageVersion, newest);
  if (input.pageName !== undefined && !definition.pages.some((p) => p.name === input.pageName))
    throw new AppError('invalid_input', `This app has no page named "${input.pageName}".`);
  const pageName = input.pageName ?? definition.pages[0]!.name;
  const pageVersion = releaseVersion === null ? 'latest' : String(releaseVersion);
  const request = { appId: app.id, releaseVersion, environmentId: env.id, environmentSwitched: !env.isDefault };
  // Decided for the session's user, whatever current_user the request claims.
  const currentUser = currentUserFor(user, ctx.snapshot);
  // A released app runs only what a visible, enabled component of this user's page runs; the draft is the editor's, whole.
  let inputsOf: ((q: RunnableQuery) => string[]) | null = null;
  if (input.pageVersion === 'released') {
    const access = queryAccess(definition, currentUser, queryName);
    if (!access.allowed) {
      const named = QUERY_NAME.test(queryName) ? queryName : null;
      await record(
        ctx,
        {
          actionType: 'DENY_QUERY_RUN',
          metadata: { queryName: named, reason: access.reason, request, pageVersion, environment: env.name },
        },
        { columns: { pageName, queryName: named }, userRow: user },
      );
      return { refused: REFUSED_QUERY_MESSAGE };
    }
    inputsOf = access.inputsOf;
  }
  const defined = definition.queries.find((q) => q.name === queryName);
  if (!defined) throw new AppError('not_found', `This app has no query named "${queryName}".`);
  const query = await runnableQuery(orgId, defined, ctx.tx);
  const found = await readResource(ctx, orgId, query.resourceId, env.id);
  if (!found) throw new AppError('not_found', 'No such resource.');
  const resource = found.resource;
  const columns = { pageName, queryName: query.name, resourceName: resource.name };
  const queryMeta = {
    type: query.type,
    resourceId: resource.id,
    ...(query.type === 'sql' ? { sql: query.sql } : { method: query.method, path: query.path }),
    disableLoggingFor: query.disableLoggingFor,
    ...(defined.type === 'library' ? { libraryQueryId: defined.libraryQueryId, libraryVersion: defined.version } : {}),
  };

  const mismatched = spoofedFields(input.current_user, currentUser);
  const preventSpoofing = preventsQuerySpoofing(settings);
  if (mismatched.length > 0 && preventSpoofing) {
    await record(
      ctx,
      { actionType: 'QUERY_SPOOF_BLOCKED', metadata: { query: queryMeta, request, pageVersion, environment: env.name, mismatched } },
      { columns, userRow: user },
    );
    return {
      refused: `This request's current_user (${mismatched.join(', ')}) does not match the signed-in user, so the query was not run.`,
    };
  }

  const started = performance.now();
  const scope = checkedValues(definition, query.name, inputsOf ? inputsOf(query) : null, input.values);
  // With spoofing prevention off (an organization's explicit choice), the browser's claim stands.
  scope.current_user = preventSpoofing ? currentUser : { ...currentUser, ...input.current_user };
  const parameters: Record<string, unknown> = {};
  const hiddenTexts: string[] = [];
  let secretValues: string[] = [];
  let result: QueryRunResult;
  let status: number | null = null;
  let statusText = 'OK';
  let extra: { rowCount?: number; truncated?: boolean } = {};
  try {
    const params = parametersOf(query);
    const values: unknown[] = [];
    for (const p of params) {
      const value = evaluate(p.node, scope);
      values.push(toParameter(value));
      if (p.hidden) {
        hiddenTexts.push(...textForms(value));
        parameters[p.source] = hideParameter(orgId, value);
      } else parameters[p.source] = value === undefined ? null : value;
    }
    const resolved = await resolveResourceConfig(orgId, resource.id, env, found.config, ctx.tx);
    secretValues = resolved.secretValues;
    if (query.type === 'sql') {
      const out = await runSql(ctx, resolved, query, values);
      status = out.status;
      extra = { rowCount: out.rowCount ?? undefined, truncated: out.truncated };
      result = { ok: true, data: out.data, rowCount: out.rowCount, truncated: out.truncated, status, responseTimeMs: 0 };
    } else {
      const out = await runRest(resolved, query, scope);
      status = out.status;
      statusText = out.statusText;
      result = out.ok
        ? { ok: true, data: out.data, rowCount: null, truncated: false, status, responseTimeMs: 0 }
        : { ok: false, error: `The API answered HTTP ${out.status} ${out.statusText}.`.trim(), status, responseTimeMs: 0 };
    }
  } catch (e) {
    statusText = 'Error';
    result = { ok: false, error: describeFailure(e), status, responseTimeMs: 0 };
  }
  const responseTimeMs = Math.round(performance.now() - started);
  result.responseTimeMs = responseTimeMs;
  if (!result.ok) result.error = redact(result.error, secretValues, hiddenTexts);

  await record(
    ctx,
    {
      actionType: 'QUERY_RUN',
      metadata: {
        error: result.ok ? null : result.error,
        query: queryMeta,
        status,
        isError: !result.ok,
        request: { ...request, ...extra },
        parameters,
        statusText,
        pageVersion,
        environment: env.name,
      },
    },
    { columns: { ...columns, responseTimeMs }, userRow: user },
  );
  return { result };
}
