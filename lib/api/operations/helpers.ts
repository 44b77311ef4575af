import { can, type ActionFor, type Target } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import { AppError } from '@/lib/errors';
import type { ApiCtx } from '../operation';

/** For reads: the token's creator must be allowed, or the API answers 403 with the reason. */
export async function requireRead<T extends Target>(ctx: ApiCtx, action: ActionFor<T>, target: T): Promise<void> {
  const decision = can(await ctx.snapshot(), action, target);
  if (!decision.allowed) throw new AppError('forbidden', explain(decision.because));
}

/** `value`, or a 404 naming what is missing (a row of another organization is missing too). */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new AppError('not_found', `No such ${what}.`);
  return value;
}
