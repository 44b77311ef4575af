// The resource runtime: a resource's configuration in one environment with `{{ secrets.X }}` and
// `{{ environment.variables.X }}` resolved, and a connection test. Everything here runs on the
// server only; resolved configurations carry secrets and must never reach a page, a log or an
// audit row. Error messages pass through redact() with every secret value involved.
import { and, eq, sql } from 'drizzle-orm';
import { getDb, queryRows, type DbOrTx } from '@/db';
import { resourceConfigs, type ResourceType } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { findEnvironment, type EnvironmentSummary } from '@/lib/environments/reads';
import { assertServesEnvironment } from '@/lib/environments/served';
import { AppError } from '@/lib/errors';
import { variableValuesFor } from '@/lib/secrets/config-vars';
import { readSecret } from '@/lib/secrets/stores';
import { renderTemplate, type TemplateRef } from '@/lib/secrets/template';
import type { MutationCtx } from '@/lib/server/mutation';
import { assertTypeAllowed, configTarget, readSecrets } from './configs';
import type { PostgresOptions, RestOptions } from './inputs';
import { pgPool, type PgConnection } from './pools';
import { redact } from './redact';
import { withSampleDatabase } from './sample';

export type ResolvedResourceConfig =
  { type: 'postgres'; connection: PgConnection } | { type: 'rest'; baseUrl: string; headers: Record<string, string> } | { type: 'sample' };

export type ResolvedResource = {
  resourceId: string;
  environment: EnvironmentSummary;
  config: ResolvedResourceConfig;
  /** Every secret value that went into `config`, for redact(). */
  secretValues: string[];
};

export { redact };

const SSL: Record<PostgresOptions['sslMode'], PgConnection['ssl']> = {
  disable: false,
  prefer: 'prefer',
  require: 'require',
  'verify-full': 'verify-full',
};

function parseConnectionString(value: string, sslMode: PostgresOptions['sslMode']): PgConnection {
  if (!URL.canParse(value)) throw new AppError('invalid_input', 'The connection string is not a postgres:// URL.');
  const u = new URL(value);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new AppError('invalid_input', 'The connection string must start with postgres:// or postgresql://.');
  const mode = (u.searchParams.get('sslmode') ?? sslMode) as PostgresOptions['sslMode'];
  return {
    host: checkedHost(decodeURIComponent(u.hostname)),
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ssl: SSL[mode] ?? 'prefer',
  };
}

/** Link-local addresses (cloud metadata services) are never a resource. */
function checkedHost(host: string): string {
  if (/^169\.254\.|^\[?fe80:/i.test(host))
    throw new AppError('forbidden', 'Link-local addresses (such as cloud metadata services) cannot be resources.');
  return host;
}

function checkedBaseUrl(value: string): string {
  if (!URL.canParse(value)) throw new AppError('invalid_input', 'The base URL is not a full http(s) URL.');
  const u = new URL(value);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new AppError('invalid_input', 'The base URL must use http or https.');
  if (u.username || u.password) throw new AppError('invalid_input', 'Put credentials in the authentication fields, not in the base URL.');
  checkedHost(u.hostname);
  return value;
}

/**
 * The configuration of `resourceId` in `environment` with every template resolved: secrets from
 * the secret stores, variables from that environment (secret ones decrypted). For the server's
 * own use (running a query, testing a connection) by a caller that has already authorized Use on
 * the resource. A missing secret or variable is an error that names it. An environment this
 * instance does not serve is refused before anything is read.
 */
export async function resolveResourceConfig(
  orgId: string,
  resourceId: string,
  environment: { id: string } | { name: string } | EnvironmentSummary,
  /** The configuration row when the caller already read it for this organization, resource and environment (null: none; undefined: read it). */
  preloaded?: typeof resourceConfigs.$inferSelect | null,
  db: DbOrTx = getDb(),
): Promise<ResolvedResource> {
  // A caller that already loaded the environment (of this organization) passes it whole.
  const env = 'isDefault' in environment ? environment : await findEnvironment(orgId, environment, db);
  // The last gate before anything is decrypted or connected to (GATEHOUSE_ENVIRONMENTS).
  assertServesEnvironment(env);
  const [row] =
    preloaded !== undefined
      ? preloaded
        ? [preloaded]
        : []
      : await db
          .select()
          .from(resourceConfigs)
          .where(
            and(
              eq(resourceConfigs.organizationId, orgId),
              eq(resourceConfigs.resourceId, resourceId),
              eq(resourceConfigs.environmentId, env.id),
            ),
          );
  if (!row) throw new AppError('not_found', `This resource is not configured for the ${env.name} environment.`);
  assertTypeAllowed(row.type);
  const secrets = readSecrets(row);
  const secretValues = Object.values(secrets).filter((v): v is string => Boolean(v));
  let variables: Map<string, string> | null = null;
  const lookup = async (ref: TemplateRef): Promise<string> => {
    if (ref.root === 'secrets') {
      const value = await readSecret(ref.name);
      secretValues.push(value);
      return value;
    }
    variables ??= await variableValuesFor(orgId, env.id, db);
    const value = variables.get(ref.name);
    if (value === undefined)
      throw new AppError('invalid_input', `Config variable "${ref.name}" has no value in the ${env.name} environment.`);
    secretValues.push(value);
    return value;
  };
  const render = (value: string, where: string) => renderTemplate(value, where, lookup);

  let config: ResolvedResourceConfig;
  if (row.type === 'postgres') {
    const o = row.options as PostgresOptions;
    if (o.mode === 'connection_string') {
      config = {
        type: 'postgres',
        connection: parseConnectionString(await render(secrets.connectionString ?? '', 'Connection string'), o.sslMode),
      };
    } else {
      const port = Number(await render(o.port || '5432', 'Port'));
      if (!Number.isInteger(port) || port < 1 || port > 65_535)
        throw new AppError('invalid_input', 'The port must be a whole number from 1 to 65535.');
      config = {
        type: 'postgres',
        connection: {
          host: checkedHost(await render(o.host, 'Host')),
          port,
          database: await render(o.database, 'Database'),
          username: await render(o.user, 'User'),
          password: await render(secrets.password ?? '', 'Password'),
          ssl: SSL[o.sslMode] ?? 'prefer',
        },
      };
    }
  } else if (row.type === 'rest') {
    const o = row.options as RestOptions;
    const headers: Record<string, string> = {};
    for (const h of o.headers ?? []) headers[h.name] = await render(h.value, `Header ${h.name}`);
    if (o.auth === 'bearer') headers.authorization = `Bearer ${await render(secrets.bearerToken ?? '', 'Bearer token')}`;
    if (o.auth === 'basic')
      headers.authorization = `Basic ${Buffer.from(`${await render(o.basicUser, 'Username')}:${await render(secrets.basicPassword ?? '', 'Password')}`).toString('base64')}`;
    if (o.auth === 'api_key') headers[await render(o.apiKeyHeader, 'API key header')] = await render(secrets.apiKey ?? '', 'API key');
    if (headers.authorization) secretValues.push(headers.authorization);
    config = { type: 'rest', baseUrl: checkedBaseUrl(await render(o.baseUrl, 'Base URL')), headers };
  } else {
    config = { type: 'sample' };
  }
  return { resourceId, environment: env, config, secretValues };
}

export type ConnectionTestResult = { ok: boolean; message: string; durationMs: number };

async function probe(resolved: ResolvedResource, db: DbOrTx): Promise<string> {
  const { config } = resolved;
  switch (config.type) {
    case 'postgres': {
      const pool = pgPool(resolved.resourceId, resolved.environment.id, config.connection);
      await pool`select 1`;
      return `Connected to ${config.connection.host}:${config.connection.port}/${config.connection.database}.`;
    }
    case 'rest': {
      const res = await fetch(config.baseUrl, { headers: config.headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();
      if (res.status >= 400) throw new AppError('unavailable', `The API answered HTTP ${res.status}.`);
      return `The API answered HTTP ${res.status}.`;
    }
    case 'sample': {
      const [row] = await withSampleDatabase(
        (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from orders`),
        undefined,
        db,
      );
      return `Connected to the sample database (${row?.n ?? 0} orders).`;
    }
  }
}

async function storedSecretValues(
  orgId: string,
  row: Parameters<typeof readSecrets>[0],
  environmentId: string,
  db: DbOrTx,
): Promise<string[]> {
  const out: string[] = [];
  try {
    out.push(...Object.values(readSecrets(row)).filter((v): v is string => Boolean(v)));
    out.push(...(await variableValuesFor(orgId, environmentId, db)).values());
  } catch {
    // undecryptable values cannot appear in a message either
  }
  return out;
}

function describeFailure(e: unknown): string {
  if (e instanceof AppError) return e.message;
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'No answer within 10 seconds.';
  const code = err.code ?? err.cause?.code;
  const message = err.cause?.message ?? err.message ?? 'Unknown error.';
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * Connects to a resource in one environment (Edit on the resource) and records the result as
 * TEST_RESOURCE_CONNECTION. Failures are answers, not errors: their message has every secret
 * value involved replaced by [redacted].
 */
export async function testResourceConnection(
  ctx: MutationCtx,
  input: { objectId: string; environmentId: string },
): Promise<ConnectionTestResult> {
  const { orgId, resource, environment, row } = await configTarget(ctx, input, 'view_config');
  if (!row) throw new AppError('not_found', `${resource.name} has no configuration in ${environment.name}.`);
  assertTypeAllowed(row.type);
  const started = performance.now();
  let secretValues: string[] = [];
  let result: { ok: boolean; message: string };
  try {
    const resolved = await resolveResourceConfig(orgId, resource.id, { id: environment.id }, undefined, ctx.tx);
    secretValues = resolved.secretValues;
    result = { ok: true, message: await probe(resolved, ctx.tx) };
  } catch (e) {
    // Also everything stored for this environment, in case resolving stopped half-way.
    const stored = await storedSecretValues(orgId, row, environment.id, ctx.tx);
    result = { ok: false, message: redact(describeFailure(e), [...secretValues, ...stored]) };
  }
  await record(ctx, {
    actionType: 'TEST_RESOURCE_CONNECTION',
    metadata: {
      objectId: resource.id,
      name: resource.name,
      environmentId: environment.id,
      environment: environment.name,
      type: row.type as ResourceType,
      ok: result.ok,
    },
  });
  return { ...result, durationMs: Math.round(performance.now() - started) };
}
