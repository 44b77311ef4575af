import { assertServesEnvironmentOf } from '@/lib/environments/served';
import { AppError } from '@/lib/errors';
import { actorUserId, type Actor, type MutationCtx } from '@/lib/server/mutation';
import { can, type ActionFor, type Decision, type Target } from './can';
import { loadSnapshot } from './snapshot';

/**
 * Asks can() for the acting user (an API token's creator) inside the mutation's transaction and
 * throws `forbidden` with the reason when denied. The CLI, and tokens it minted, act as the
 * installation's operator and are always allowed; a SCIM directory may manage users and groups.
 * A target in an environment this instance does not serve (GATEHOUSE_ENVIRONMENTS) is refused
 * first, for every actor (0031).
 */
export async function authorize<T extends Target>(ctx: MutationCtx, action: ActionFor<T>, target: T): Promise<Decision> {
  if ('environmentId' in target && target.environmentId) await assertServesEnvironmentOf(ctx, target.environmentId);
  const fixed = authorizeWithoutReads(ctx.actor, target);
  if (fixed) return fixed;
  const userId = actorUserId(ctx.actor);
  if (!userId || !ctx.orgId) throw new AppError('unauthenticated', 'Sign in first.');
  ctx.snapshot ??= await loadSnapshot(ctx.orgId, userId, ctx.tx);
  const decision = can(ctx.snapshot, action, target);
  if (!decision.allowed) throw new AppError('forbidden', decision.because.kind === 'denied' ? decision.because.reason : 'Not allowed.');
  return decision;
}

/**
 * authorize()'s verdict for actors whose rights are fixed (the operator, a SCIM directory), which
 * needs no reads; null for everyone else, whose groups and grants must be loaded first.
 */
export function authorizeWithoutReads(actor: Actor, target: Target): Decision | null {
  if (actor.kind === 'cli' || (actor.kind === 'api_token' && actor.userId === null)) {
    return { allowed: true, level: 'own', because: { kind: 'operator' } };
  }
  if (actor.kind === 'scim') {
    const provisioning = (target.kind === 'org' && (target.area === 'users' || target.area === 'groups')) || target.kind === 'group';
    if (!provisioning) throw new AppError('forbidden', 'A SCIM directory manages users and groups only.');
    return { allowed: true, level: 'own', because: { kind: 'operator' } };
  }
  return null;
}
