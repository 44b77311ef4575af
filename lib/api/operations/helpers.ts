import type { z } from 'zod';
import { can, type ActionFor, type Target } from '@/lib/authz/can';
import { explain } from '@/lib/authz/explain';
import { AppError } from '@/lib/errors';
import { idParam, operation, type ApiCtx } from '../operation';

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

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * GET /users/{userId}, /groups/{groupId}: one row of an organization area that only those who
 * manage the area may read; `read` answers null for another organization's id, which is a 404.
 */
export function getByIdOperation<R extends z.ZodType>(
  area: 'users' | 'groups',
  noun: string,
  response: R,
  read: (orgId: string, id: string) => Promise<z.input<R> | null>,
) {
  const param = `${noun}Id`;
  return operation({
    id: `get${capitalized(noun)}`,
    method: 'GET',
    path: `/${area}/{${param}}`,
    tag: capitalized(area),
    summary: `Get a ${noun}`,
    scope: `${area}:read`,
    params: idParam(param),
    response,
    async handler(ctx, { params }) {
      await requireRead(ctx, 'manage', { kind: 'org', area });
      return found(await read(ctx.orgId, params[param]!), noun);
    },
  });
}
