import { can, type ActionFor, type Target } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import { AppError } from '@/lib/errors';
import type { ApiCtx } from '../operation';

/** For reads: the token's creator must be allowed, or the API answers 403 with the reason. */
export async function requireRead<T extends Target>(ctx: ApiCtx, action: ActionFor<T>, target: T): Promise<void> {
  const decision = can(await ctx.snapshot(), action, target);
  if (!decision.allowed) throw new AppError('forbidden', explain(decision.because));
}
