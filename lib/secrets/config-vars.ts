// Config variables: named values per environment, referenced from resource configuration as
// `{{ environment.variables.NAME }}`. A secret variable's values are encrypted (bound to their
// row), write-only, and read back only by variableValuesFor() for resource configuration on the
// server; reads for pages say whether a value is set, never what it is. Values in an environment
// this instance does not serve (GATEHOUSE_ENVIRONMENTS) are neither shown, decrypted nor changed.
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type DbOrTx } from '@/db';
import { configVariables, configVariableValues, environments, type ConfigVariable } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { decryptSecret, encryptSecret, type EnvelopeContext } from '@/lib/crypto/envelope';
import { listEnvironments } from '@/lib/environments/reads';
import { assertServesEnvironment, servesEnvironment } from '@/lib/environments/served';
import { AppError } from '@/lib/errors';
import { checkbox } from '@/lib/forms';
import { currentKeyring } from '@/lib/keys/keyring';
import { isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { REFERENCE_NAME } from './template';

const variableId = z.uuid('Unknown variable.');

export const createConfigVariableInput = z.object({
  name: z.string().trim().regex(REFERENCE_NAME, 'Use letters, digits and underscores, starting with a letter (at most 100).'),
  description: z.string().trim().max(500, 'Use at most 500 characters.').default(''),
  secret: checkbox,
});
export type CreateConfigVariableInput = z.infer<typeof createConfigVariableInput>;

const VALUE_FIELD = /^value_([0-9a-f-]{36})$/;
const CLEAR_FIELD = /^clear_([0-9a-f-]{36})$/;

/**
 * One variable's description and its value per environment. From a form: `value_<environmentId>`
 * fields (blank: a plain value is removed, a secret one kept) and `clear_<environmentId>` checkboxes.
 */
export const updateConfigVariableInput = z.preprocess(
  (raw) => {
    const form = (raw ?? {}) as Record<string, unknown>;
    if ('values' in form) return form;
    const values: Record<string, string> = {};
    const clear: string[] = [];
    for (const [key, v] of Object.entries(form)) {
      const value = VALUE_FIELD.exec(key);
      if (value && typeof v === 'string') values[value[1]!] = v;
      const cleared = CLEAR_FIELD.exec(key);
      if (cleared && (v === 'on' || v === 'true')) clear.push(cleared[1]!);
    }
    return { variableId: form.variableId, description: form.description, values, clear };
  },
  z.object({
    variableId,
    description: z.string().trim().max(500, 'Use at most 500 characters.').optional(),
    values: z.record(z.uuid('Unknown environment.'), z.string().max(10_000, 'Use at most 10,000 characters.')).default({}),
    clear: z.array(z.uuid('Unknown environment.')).default([]),
  }),
);
export type UpdateConfigVariableInput = z.infer<typeof updateConfigVariableInput>;

function valueContext(orgId: string, rowId: string): EnvelopeContext {
  return { orgId, table: 'config_variable_values', column: 'value_enc', rowId };
}

async function findVariable(orgId: string, id: string, db: DbOrTx): Promise<ConfigVariable> {
  const [row] = await db
    .select()
    .from(configVariables)
    .where(and(eq(configVariables.organizationId, orgId), eq(configVariables.id, id)));
  if (!row) throw new AppError('not_found', 'No such config variable.');
  return row;
}

export async function createConfigVariable(ctx: MutationCtx, input: CreateConfigVariableInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  let row: { id: string } | undefined;
  try {
    [row] = await ctx.tx
      .insert(configVariables)
      .values({ organizationId: orgId, name: input.name, description: input.description, secret: input.secret })
      .returning({ id: configVariables.id });
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('name', 'There is already a config variable with that name.', 'conflict');
    throw e;
  }
  await record(ctx, { actionType: 'CREATE_CONFIG_VARIABLE', metadata: { variableId: row!.id, name: input.name, secret: input.secret } });
  return row!;
}

/** Sets descriptions and values; the audit event names what changed, never a value. */
export async function updateConfigVariable(ctx: MutationCtx, input: UpdateConfigVariableInput): Promise<{ changed: string[] }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const variable = await findVariable(orgId, input.variableId, ctx.tx);
  const envs = new Map((await listEnvironments(orgId, ctx.tx)).map((e) => [e.id, e]));
  const existing = new Map(
    (
      await ctx.tx
        .select()
        .from(configVariableValues)
        .where(and(eq(configVariableValues.organizationId, orgId), eq(configVariableValues.variableId, variable.id)))
    ).map((r) => [r.environmentId, r]),
  );
  const changed: string[] = [];
  if (input.description !== undefined && input.description !== variable.description) {
    await ctx.tx
      .update(configVariables)
      .set({ description: input.description, updatedAt: new Date() })
      .where(eq(configVariables.id, variable.id));
    changed.push('description');
  }
  for (const envId of new Set([...Object.keys(input.values), ...input.clear])) {
    const env = envs.get(envId);
    if (!env) throw new AppError('not_found', 'No such environment.');
    assertServesEnvironment(env);
    const row = existing.get(envId);
    const typed = input.values[envId] ?? '';
    const remove = input.clear.includes(envId) || (!variable.secret && typed === '');
    if (remove) {
      if (row) {
        await ctx.tx.delete(configVariableValues).where(eq(configVariableValues.id, row.id));
        changed.push(`value:${env.name}`);
      }
      continue;
    }
    if (typed === '') continue; // a blank secret field keeps the stored value
    if (!variable.secret && row?.value === typed) continue;
    const id = row?.id ?? crypto.randomUUID();
    const values = variable.secret
      ? { value: null, valueEnc: encryptSecret(typed, valueContext(orgId, id), currentKeyring()) }
      : { value: typed, valueEnc: null };
    if (row)
      await ctx.tx
        .update(configVariableValues)
        .set({ ...values, updatedAt: new Date() })
        .where(eq(configVariableValues.id, id));
    else
      await ctx.tx
        .insert(configVariableValues)
        .values({ id, organizationId: orgId, variableId: variable.id, environmentId: envId, ...values });
    changed.push(`value:${env.name}`);
  }
  if (changed.length === 0) throw new AppError('conflict', 'Nothing changed.');
  await ctx.tx.update(configVariables).set({ updatedAt: new Date() }).where(eq(configVariables.id, variable.id));
  await record(ctx, {
    actionType: 'UPDATE_CONFIG_VARIABLE',
    metadata: { variableId: variable.id, name: variable.name, secret: variable.secret, changed },
  });
  return { changed };
}

export async function deleteConfigVariable(ctx: MutationCtx, input: { variableId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const variable = await findVariable(orgId, input.variableId, ctx.tx);
  await ctx.tx.delete(configVariables).where(eq(configVariables.id, variable.id));
  await record(ctx, {
    actionType: 'DELETE_CONFIG_VARIABLE',
    metadata: { variableId: variable.id, name: variable.name, secret: variable.secret },
  });
}

export type ConfigVariableView = {
  id: string;
  name: string;
  description: string;
  secret: boolean;
  /** Per environment id: the value of a plain variable; for a secret one only whether it is set. */
  values: Record<string, { set: boolean; value: string | null }>;
};

/** For the settings page: secret values are never included, nor values in environments this instance does not serve. */
export async function listConfigVariables(orgId: string, db: DbOrTx = getDb()): Promise<ConfigVariableView[]> {
  const vars = await db.select().from(configVariables).where(eq(configVariables.organizationId, orgId)).orderBy(asc(configVariables.name));
  const values = await db
    .select({
      variableId: configVariableValues.variableId,
      environmentId: configVariableValues.environmentId,
      environment: environments.name,
      value: configVariableValues.value,
    })
    .from(configVariableValues)
    .innerJoin(environments, eq(environments.id, configVariableValues.environmentId))
    .where(eq(configVariableValues.organizationId, orgId));
  return vars.map((v) => ({
    id: v.id,
    name: v.name,
    description: v.description,
    secret: v.secret,
    values: Object.fromEntries(
      values
        .filter((x) => x.variableId === v.id)
        .map((x) => [x.environmentId, { set: true, value: v.secret || !servesEnvironment(x.environment) ? null : x.value }]),
    ),
  }));
}

/**
 * Every variable's value in one environment, secret ones decrypted. Server-side only, for
 * resolving resource configuration; never hand the result to a page or an app. Refused for an
 * environment this instance does not serve.
 */
export async function variableValuesFor(orgId: string, environmentId: string, db: DbOrTx = getDb()): Promise<Map<string, string>> {
  const rows = await db
    .select({
      id: configVariableValues.id,
      environment: environments.name,
      name: configVariables.name,
      value: configVariableValues.value,
      valueEnc: configVariableValues.valueEnc,
    })
    .from(configVariableValues)
    .innerJoin(configVariables, eq(configVariables.id, configVariableValues.variableId))
    .innerJoin(environments, eq(environments.id, configVariableValues.environmentId))
    .where(and(eq(configVariableValues.organizationId, orgId), eq(configVariableValues.environmentId, environmentId)));
  if (rows[0]) assertServesEnvironment({ name: rows[0].environment });
  return new Map(
    rows.map((r) => [
      r.name,
      r.valueEnc !== null ? decryptSecret(r.valueEnc, valueContext(orgId, r.id), currentKeyring()) : (r.value ?? ''),
    ]),
  );
}
