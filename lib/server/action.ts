// Server-action plumbing: FormData → zod → (session) → runMutation → ActionResult. Errors reach
// the form as a code, a message and field errors; unexpected ones only as a reference id.
import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import { requireSession, type SessionCtx } from '@/lib/auth/session';
import type { ErrorCode, FieldErrors } from '@/lib/errors';
import { parseForm } from '@/lib/forms';
import { runMutation, type MutationCtx } from './mutation';
import { knownError } from './failure';
import { currentRequestMeta } from './request';

export type ActionResult<R = void> = { ok: true; data: R } | { ok: false; code: ErrorCode; message: string; fieldErrors?: FieldErrors };

export async function toFailure(e: unknown): Promise<ActionResult<never>> {
  unstable_rethrow(e);
  const known = knownError(e);
  if (known) return { ok: false, code: known.code, message: known.message, fieldErrors: known.meta.fieldErrors };
  const { requestId } = await currentRequestMeta();
  console.error(`[gatehouse] request ${requestId} failed:`, e);
  return { ok: false, code: 'internal', message: `Something went wrong (ref: ${requestId}).` };
}

/** The mutation context of a signed-in user: organization and actor come from the session. */
export function sessionMutation<R>(session: SessionCtx, fn: (ctx: MutationCtx) => Promise<R>): Promise<R> {
  return runMutation(
    { orgId: session.orgId, actor: { kind: 'user', userId: session.userId, sessionId: session.sessionId }, request: session.request },
    fn,
  );
}

/** A server action for signed-in users. */
export function defineAction<S extends z.ZodType, R>(input: S, run: (ctx: MutationCtx, data: z.infer<S>) => Promise<R>) {
  return async (_prev: ActionResult<R> | null, form: FormData): Promise<ActionResult<R>> => {
    try {
      const data = parseForm(input, form);
      const session = await requireSession();
      return { ok: true, data: await sessionMutation(session, (ctx) => run(ctx, data)) };
    } catch (e) {
      return toFailure(e);
    }
  };
}

/** A server action anyone may call (first run, sign-up); the actor is anonymous. */
export function definePublicAction<S extends z.ZodType, R>(input: S, run: (ctx: MutationCtx, data: z.infer<S>) => Promise<R>) {
  return async (_prev: ActionResult<R> | null, form: FormData): Promise<ActionResult<R>> => {
    try {
      const data = parseForm(input, form);
      const request = await currentRequestMeta();
      return { ok: true, data: await runMutation({ orgId: null, actor: { kind: 'anonymous' }, request }, (ctx) => run(ctx, data)) };
    } catch (e) {
      return toFailure(e);
    }
  };
}
