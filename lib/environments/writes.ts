// Environments: production (the default; never renamed or deleted), staging, and admin-created
// ones. Managed by admins; every change is audited in its transaction.
import { and, count, eq } from 'drizzle-orm';
import type { Tx } from '@/db';
import { configVariableValues, environments, resourceConfigs } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { AppError } from '@/lib/errors';
import { isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import type { CreateEnvironmentInput, UpdateEnvironmentInput } from './inputs';
import { findEnvironment } from './reads';

export const DEFAULT_ENVIRONMENTS = [
  { name: 'production', color: '#16a34a', isDefault: true },
  { name: 'staging', color: '#d97706', isDefault: false },
] as const;

/** Every new organization starts with production and staging (part of its creation, audited there). */
export async function insertDefaultEnvironments(orgId: string, tx: Tx): Promise<void> {
  await tx.insert(environments).values(DEFAULT_ENVIRONMENTS.map((e) => ({ ...e, organizationId: orgId })));
}

const NAME_TAKEN = () => AppError.field('name', 'There is already an environment with that name.', 'conflict');

export async function createEnvironment(ctx: MutationCtx, input: CreateEnvironmentInput): Promise<{ id: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  let row: { id: string } | undefined;
  try {
    [row] = await ctx.tx
      .insert(environments)
      .values({ organizationId: orgId, name: input.name, color: input.color })
      .returning({ id: environments.id });
  } catch (e) {
    if (isUniqueViolation(e)) throw NAME_TAKEN();
    throw e;
  }
  await record(ctx, { actionType: 'CREATE_ENVIRONMENT', metadata: { environmentId: row!.id, name: input.name, color: input.color } });
  return row!;
}

export async function updateEnvironment(ctx: MutationCtx, input: UpdateEnvironmentInput): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const env = await findEnvironment(orgId, { id: input.environmentId }, ctx.tx);
  if (env.isDefault && input.name !== env.name) throw AppError.field('name', 'The production environment cannot be renamed.', 'conflict');
  if (input.name === env.name && input.color === env.color) throw new AppError('conflict', 'Nothing changed.');
  try {
    await ctx.tx
      .update(environments)
      .set({ name: input.name, color: input.color, updatedAt: new Date() })
      .where(eq(environments.id, env.id));
  } catch (e) {
    if (isUniqueViolation(e)) throw NAME_TAKEN();
    throw e;
  }
  await record(ctx, {
    actionType: 'UPDATE_ENVIRONMENT',
    metadata: { environmentId: env.id, before: { name: env.name, color: env.color }, after: { name: input.name, color: input.color } },
  });
}

/** Deletes an environment with every resource configuration and variable value in it. */
export async function deleteEnvironment(ctx: MutationCtx, input: { environmentId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const env = await findEnvironment(orgId, { id: input.environmentId }, ctx.tx);
  if (env.isDefault) throw new AppError('conflict', 'The production environment cannot be deleted.');
  const [configs] = await ctx.tx
    .select({ n: count() })
    .from(resourceConfigs)
    .where(and(eq(resourceConfigs.organizationId, orgId), eq(resourceConfigs.environmentId, env.id)));
  const [values] = await ctx.tx
    .select({ n: count() })
    .from(configVariableValues)
    .where(and(eq(configVariableValues.organizationId, orgId), eq(configVariableValues.environmentId, env.id)));
  await ctx.tx.delete(environments).where(eq(environments.id, env.id));
  await record(ctx, {
    actionType: 'DELETE_ENVIRONMENT',
    metadata: { environmentId: env.id, name: env.name, resourceConfigsRemoved: configs?.n ?? 0, variableValuesRemoved: values?.n ?? 0 },
  });
}
