// runMutation: the one way to change data. One transaction; the mutation must record at least
// one audit event in it, or everything it did is rolled back ("no audit row, no change"). The
// events are linked into their hash chains as the transaction's last step (decision 0020). The
// one exception, a lone audited insert as a single statement, is insertAudited (lib/audit/record.ts).
import { getDb, type Tx } from '@/db';
import { appendToChains, type PendingAuditEvent } from '@/lib/audit/link';
import { AppError } from '@/lib/errors';
import type { Snapshot } from '@/lib/authz/can';
import type { RequestMeta } from './request-meta';

export type Actor =
  | { kind: 'user'; userId: string; sessionId?: string }
  /** A public-API token; it acts as its creator, or as the operator when the CLI minted it (userId null). */
  | { kind: 'api_token'; tokenId: string; userId: string | null }
  /** A SCIM directory provisioning users and groups; it may manage nothing else. */
  | { kind: 'scim'; directoryId: string }
  /** Gatehouse itself, running a scheduled job (audit retention). */
  | { kind: 'system'; job: string }
  | { kind: 'anonymous' }
  | { kind: 'cli' };

/** The person acting (a signed-in user, or an API token's creator), if any. */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' || actor.kind === 'api_token' ? actor.userId : null;
}

export type MutationCtx = {
  tx: Tx;
  /** The organization acted in, from the session (never from client input); null before one exists. */
  orgId: string | null;
  actor: Actor;
  request: RequestMeta;
  /** Incremented by audit.record(); checked before commit. */
  auditCount: number;
  /** Events record() validated, in order; appended to the audit chain just before commit. */
  pendingAuditEvents: PendingAuditEvent[];
  /** The acting user's groups and grants, loaded in this transaction by authorize(). */
  snapshot?: Snapshot;
  /** Run once the transaction has committed (never after a rollback); for side effects outside the database. */
  afterCommit: (() => void)[];
};

/** The organization a change acts in; a change without one (nobody signed in) is refused. */
export function orgOf(ctx: Pick<MutationCtx, 'orgId'>): string {
  if (!ctx.orgId) throw new AppError('unauthenticated', 'Sign in first.');
  return ctx.orgId;
}

export type MutationInit = Omit<MutationCtx, 'tx' | 'auditCount' | 'pendingAuditEvents' | 'snapshot' | 'afterCommit'>;

export async function runMutation<R>(init: MutationInit, fn: (ctx: MutationCtx) => Promise<R>): Promise<R> {
  const afterCommit: (() => void)[] = [];
  const result = await getDb().transaction(async (tx) => {
    const ctx: MutationCtx = { ...init, tx, auditCount: 0, pendingAuditEvents: [], afterCommit };
    const out = await fn(ctx);
    if (ctx.auditCount === 0) {
      throw new AppError('internal', 'A change was attempted without an audit event, so it was not saved.');
    }
    // Last, so the chain head stays locked only for these statements and the commit.
    await appendToChains(ctx.pendingAuditEvents, tx);
    return out;
  });
  for (const hook of afterCommit) {
    try {
      hook();
    } catch (e) {
      // The change is committed; a failing side effect must not make it look as if it was not.
      console.error('[gatehouse] an after-commit step failed:', e);
    }
  }
  return result;
}

/** Postgres unique_violation (23505), whichever driver raised it and however drizzle wrapped it. */
export function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: unknown; cause?: unknown } | undefined, i = 0; err && i < 4; i++) {
    if (err.code === '23505') return true;
    err = err.cause as typeof err;
  }
  return false;
}
