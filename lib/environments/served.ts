// The environments this instance serves (GATEHOUSE_ENVIRONMENTS, decision 0031). Every path that
// connects to a resource in an environment, or shows, decrypts or changes its config values, asks
// here: authorize() for a target in an environment (query runs, connection tests, resource
// configuration), resolveResourceConfig, and the config variable reads and writes. Unset: every
// environment, and nothing here reads the database.
import { servedEnvironmentNames } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { orgOf, type MutationCtx } from '@/lib/server/mutation';
import { findEnvironment } from './reads';

/** Whether this instance serves the environment named `name` (case-insensitive). */
export function servesEnvironment(name: string): boolean {
  const served = servedEnvironmentNames();
  return served === null || served.includes(name.toLowerCase());
}

function list(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The refusal for an environment another instance serves. */
export function notServedHere(name: string): AppError {
  const served = servedEnvironmentNames() ?? [];
  return new AppError(
    'forbidden',
    `This instance serves only the ${list(served)} environment${served.length === 1 ? '' : 's'}; "${name}" runs on another instance.`,
  );
}

/** Refuses an environment this instance does not serve. */
export function assertServesEnvironment(environment: { name: string }): void {
  if (!servesEnvironment(environment.name)) throw notServedHere(environment.name);
}

const servedInTransaction = new WeakMap<MutationCtx, Set<string>>();

/**
 * The same check for a mutation that names an environment by id (authorize() for a target in an
 * environment): when the instance is pinned, one read of the environment's name, once per
 * transaction. Another organization's environment is not found.
 */
export async function assertServesEnvironmentOf(ctx: MutationCtx, environmentId: string): Promise<void> {
  if (servedEnvironmentNames() === null) return;
  const seen = servedInTransaction.get(ctx) ?? new Set<string>();
  if (seen.has(environmentId)) return;
  assertServesEnvironment(await findEnvironment(orgOf(ctx), { id: environmentId }, ctx.tx));
  seen.add(environmentId);
  servedInTransaction.set(ctx, seen);
}
