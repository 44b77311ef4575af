// A public-API operation: method, path, scope, and the zod schemas that validate its input and
// describe its output. The route wrapper enforces them; the OpenAPI document is generated from them.
import { z } from 'zod';
import type { ApiPrincipal } from '@/lib/api-tokens/reads';
import type { ApiScope } from '@/lib/api-tokens/scopes';
import type { Snapshot } from '@/lib/authz/can';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { getDb } from '@/db';
import { runMutation, type MutationCtx } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';

export type ApiCtx = {
  principal: ApiPrincipal;
  orgId: string;
  request: RequestMeta;
  /** The creator's access (an operator token is treated as an admin). */
  snapshot: () => Promise<Snapshot>;
  /** Runs a lib mutation as this token: authorized as its creator, audited with actor api_token. */
  mutate: <R>(fn: (ctx: MutationCtx) => Promise<R>) => Promise<R>;
};

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export type ApiOperation<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema = Schema,
> = {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI form, relative to /api/v1: `/users/{userId}`. */
  path: string;
  summary: string;
  tag: string;
  /** The scope a token needs; none for operations any valid token may call. */
  scope: ApiScope | null;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: 200 | 201 | 204;
  /** The largest body accepted, in bytes; JSON_BODY_MAX_BYTES (1 MB) unless given. */
  maxBodyBytes?: number;
  handler: (ctx: ApiCtx, input: { params: Infer<P>; query: Infer<Q>; body: Infer<B> }) => Promise<z.input<R>>;
};

export function operation<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, R extends Schema>(
  op: ApiOperation<P, Q, B, R>,
) {
  return op;
}

export function apiCtx(principal: ApiPrincipal, request: RequestMeta): ApiCtx {
  let snapshot: Promise<Snapshot> | undefined;
  return {
    principal,
    orgId: principal.orgId,
    request,
    snapshot: () =>
      (snapshot ??= principal.userId
        ? loadSnapshot(principal.orgId, principal.userId, getDb())
        : Promise.resolve({
            orgId: principal.orgId,
            userId: '00000000-0000-0000-0000-000000000000',
            groups: [{ id: 'operator', name: 'Operator', builtin: 'admin', queryLibrary: 'edit', auditLog: true, isGroupAdmin: false }],
            grants: [],
          })),
    mutate: (fn) =>
      runMutation(
        { orgId: principal.orgId, actor: { kind: 'api_token', tokenId: principal.tokenId, userId: principal.userId }, request },
        fn,
      ),
  };
}

/** An id in the path: a malformed one is simply not found. */
export const idParam = <K extends string>(name: K) => z.object({ [name]: z.uuid() } as Record<K, z.ZodUUID>);
