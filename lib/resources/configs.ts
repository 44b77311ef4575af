// A resource's configuration per environment: save (secret fields write-only: blank keeps the
// stored value), delete, and the page's view of it, which says which secrets are set but never
// what they are. Secrets live in one envelope per row, bound to that row. An environment this
// instance does not serve (GATEHOUSE_ENVIRONMENTS) is refused by authorize() in configTarget, and
// its settings are not shown.
import { and, eq } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { environments, resourceConfigs, type ResourceConfigRow, type ResourceType } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { decryptSecret, encryptSecret, type EnvelopeContext } from '@/lib/crypto/envelope';
import { findEnvironment, listEnvironments } from '@/lib/environments/reads';
import { servesEnvironment } from '@/lib/environments/served';
import { deniedResourceTypes } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { currentKeyring } from '@/lib/keys/keyring';
import { findObject } from '@/lib/objects/lookup';
import { createObject } from '@/lib/objects/writes';
import { type MutationCtx, orgOf } from '@/lib/server/mutation';
import { RESOURCE_TYPE_LABEL, SECRET_FIELDS, type ResourceSecrets, type SaveResourceConfigInput, type SecretField } from './inputs';
import { closePool } from './pools';

export function secretsContext(row: Pick<ResourceConfigRow, 'id' | 'organizationId'>): EnvelopeContext {
  return { orgId: row.organizationId, table: 'resource_configs', column: 'secrets', rowId: row.id };
}

export function readSecrets(row: Pick<ResourceConfigRow, 'id' | 'organizationId' | 'secrets'>): ResourceSecrets {
  return JSON.parse(decryptSecret(row.secrets, secretsContext(row), currentKeyring())) as ResourceSecrets;
}

/** Refuses types the instance denies (GATEHOUSE_RESOURCE_TYPES_DENY). */
export function assertTypeAllowed(type: ResourceType): void {
  if (deniedResourceTypes().includes(type)) {
    throw new AppError(
      'forbidden',
      `${RESOURCE_TYPE_LABEL[type]} resources are turned off on this Gatehouse (GATEHOUSE_RESOURCE_TYPES_DENY).`,
    );
  }
}

/** The resource (needs `action` on it in that environment) and the environment, both of the acting organization. */
export async function configTarget(
  ctx: MutationCtx,
  input: { objectId: string; environmentId: string },
  action: 'edit_config' | 'view_config',
) {
  const orgId = orgOf(ctx);
  const resource = await findObject(orgId, 'resource', input.objectId, ctx.tx);
  const environment = await findEnvironment(orgId, { id: input.environmentId }, ctx.tx);
  // Grants limited to an environment ("Own on staging only") count here, for that environment.
  await authorize(ctx, action, { kind: 'resource', id: resource.id, folderId: resource.folderId, environmentId: environment.id });
  const [row] = await ctx.tx
    .select()
    .from(resourceConfigs)
    .where(and(eq(resourceConfigs.resourceId, resource.id), eq(resourceConfigs.environmentId, environment.id)));
  return { orgId, resource, environment, row: row ?? null };
}

function splitInput(input: SaveResourceConfigInput): { options: Record<string, unknown>; secrets: ResourceSecrets } {
  switch (input.type) {
    case 'postgres': {
      const { mode, host, port, database, user, sslMode, password, connectionString } = input;
      return { options: { mode, host, port, database, user, sslMode }, secrets: { password, connectionString } };
    }
    case 'rest': {
      const { baseUrl, headers, auth, basicUser, apiKeyHeader, bearerToken, basicPassword, apiKey } = input;
      return { options: { baseUrl, headers, auth, basicUser, apiKeyHeader }, secrets: { bearerToken, basicPassword, apiKey } };
    }
    case 'sample':
      return { options: {}, secrets: {} };
  }
}

function requiredProblems(input: SaveResourceConfigInput, secrets: ResourceSecrets): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const need = (field: string, ok: boolean, message: string) => {
    if (!ok) problems[field] = [message];
  };
  if (input.type === 'postgres') {
    if (input.mode === 'connection_string') need('connectionString', Boolean(secrets.connectionString), 'Enter the connection string.');
    else {
      need('host', input.host !== '', 'Enter the host.');
      need('database', input.database !== '', 'Enter the database name.');
      need('user', input.user !== '', 'Enter the user.');
    }
  }
  if (input.type === 'rest') {
    if (input.auth === 'bearer') need('bearerToken', Boolean(secrets.bearerToken), 'Enter the bearer token.');
    if (input.auth === 'basic') need('basicUser', input.basicUser !== '', 'Enter the username.');
    if (input.auth === 'api_key') {
      need('apiKeyHeader', input.apiKeyHeader !== '', 'Enter the header that carries the key, e.g. X-API-Key.');
      need('apiKey', Boolean(secrets.apiKey), 'Enter the API key.');
    }
  }
  return problems;
}

/** Which secret fields the chosen settings use; the others are dropped when saving. */
function usedSecrets(input: SaveResourceConfigInput): SecretField[] {
  if (input.type === 'postgres') return input.mode === 'connection_string' ? ['connectionString'] : ['password'];
  if (input.type === 'rest')
    return input.auth === 'bearer'
      ? ['bearerToken']
      : input.auth === 'basic'
        ? ['basicPassword']
        : input.auth === 'api_key'
          ? ['apiKey']
          : [];
  return [];
}

/**
 * Creates or replaces a resource's configuration in one environment (Own on the resource). A
 * blank secret field keeps the stored value. Every environment of a resource has the same type.
 * The audit event lists the fields that changed, secret ones by name only.
 */
export async function saveResourceConfig(ctx: MutationCtx, input: SaveResourceConfigInput): Promise<{ id: string; changed: string[] }> {
  assertTypeAllowed(input.type);
  const { orgId, resource, environment, row } = await configTarget(ctx, input, 'edit_config');
  const others = await ctx.tx
    .select({ type: resourceConfigs.type, environmentId: resourceConfigs.environmentId })
    .from(resourceConfigs)
    .where(eq(resourceConfigs.resourceId, resource.id));
  const otherType = others.find((o) => o.environmentId !== environment.id && o.type !== input.type);
  if (otherType)
    throw AppError.field(
      'type',
      `${resource.name} is a ${RESOURCE_TYPE_LABEL[otherType.type]} resource in other environments; every environment uses the same type.`,
      'conflict',
    );

  const { options, secrets: typed } = splitInput(input);
  const before = row && row.type === input.type ? readSecrets(row) : {};
  const secrets: ResourceSecrets = {};
  for (const field of usedSecrets(input)) {
    const value = typed[field] || before[field];
    if (value) secrets[field] = value;
  }
  const problems = requiredProblems(input, secrets);
  if (Object.keys(problems).length) throw new AppError('invalid_input', 'Check the highlighted fields.', { fieldErrors: problems });

  const oldOptions = row && row.type === input.type ? row.options : {};
  const changed = [
    ...(row && row.type !== input.type ? ['type'] : []),
    ...Object.keys(options).filter((k) => JSON.stringify(options[k]) !== JSON.stringify(oldOptions[k])),
    ...(SECRET_FIELDS[input.type] as readonly SecretField[]).filter((f) => (secrets[f] ?? null) !== (before[f] ?? null)),
  ];
  if (row && changed.length === 0) throw new AppError('conflict', 'Nothing changed.');
  const id = row?.id ?? crypto.randomUUID();
  const sealed = encryptSecret(JSON.stringify(secrets), secretsContext({ id, organizationId: orgId }), currentKeyring());
  if (row) {
    await ctx.tx
      .update(resourceConfigs)
      .set({ type: input.type, options, secrets: sealed, updatedAt: new Date() })
      .where(eq(resourceConfigs.id, id));
  } else {
    await ctx.tx.insert(resourceConfigs).values({
      id,
      organizationId: orgId,
      resourceId: resource.id,
      environmentId: environment.id,
      type: input.type,
      options,
      secrets: sealed,
    });
  }
  ctx.afterCommit.push(() => closePool(resource.id, environment.id));
  await record(ctx, {
    actionType: 'UPDATE_RESOURCE_CONFIG',
    metadata: {
      objectId: resource.id,
      name: resource.name,
      environmentId: environment.id,
      environment: environment.name,
      type: input.type,
      created: !row,
      changed,
    },
  });
  return { id, changed };
}

export async function deleteResourceConfig(ctx: MutationCtx, input: { objectId: string; environmentId: string }): Promise<void> {
  const { resource, environment, row } = await configTarget(ctx, input, 'edit_config');
  if (!row) throw new AppError('not_found', `${resource.name} has no configuration in ${environment.name}.`);
  await ctx.tx.delete(resourceConfigs).where(eq(resourceConfigs.id, row.id));
  ctx.afterCommit.push(() => closePool(resource.id, environment.id));
  await record(ctx, {
    actionType: 'DELETE_RESOURCE_CONFIG',
    metadata: { objectId: resource.id, name: resource.name, environmentId: environment.id, environment: environment.name, type: row.type },
  });
}

export type ResourceConfigView = {
  environmentId: string;
  type: ResourceType;
  /** False for an environment this instance does not serve: its settings are left out. */
  served: boolean;
  options: Record<string, unknown>;
  /** Secret fields that hold a value (their values never leave the server). */
  secretsSet: SecretField[];
  /** The secrets could not be decrypted (a missing key): shown, never guessed. */
  unreadable: boolean;
};

/**
 * For the resource page: its configuration per environment, without any secret value; only the
 * type in environments this instance does not serve.
 */
export async function listResourceConfigs(orgId: string, resourceId: string, db: DbOrTx = getDb()): Promise<ResourceConfigView[]> {
  const rows = await db
    .select({ row: resourceConfigs, environment: environments.name })
    .from(resourceConfigs)
    .innerJoin(environments, eq(environments.id, resourceConfigs.environmentId))
    .where(and(eq(resourceConfigs.organizationId, orgId), eq(resourceConfigs.resourceId, resourceId)));
  return rows.map(({ row, environment }) => {
    if (!servesEnvironment(environment))
      return { environmentId: row.environmentId, type: row.type, served: false, options: {}, secretsSet: [], unreadable: false };
    let secretsSet: SecretField[] = [];
    let unreadable = false;
    try {
      const secrets = readSecrets(row);
      secretsSet = (Object.keys(secrets) as SecretField[]).filter((k) => Boolean(secrets[k]));
    } catch {
      unreadable = true;
    }
    return { environmentId: row.environmentId, type: row.type, served: true, options: row.options, secretsSet, unreadable };
  });
}

/**
 * Adds a "Sample database" resource configured in every environment this instance serves, so an
 * organization can build its first app without credentials (Edit on all resources, as for any
 * new resource).
 */
export async function createSampleResource(ctx: MutationCtx, input: { name: string }): Promise<{ id: string }> {
  assertTypeAllowed('sample');
  const orgId = orgOf(ctx);
  const { id } = await createObject(ctx, { kind: 'resource', name: input.name, folderId: null });
  for (const env of await listEnvironments(orgId, ctx.tx))
    if (servesEnvironment(env.name)) await saveResourceConfig(ctx, { type: 'sample', objectId: id, environmentId: env.id });
  return { id };
}
