// The second step of a sign-in. A first factor that succeeds for a user who needs a second one
// opens a challenge (a row, bound to the browser by an httpOnly cookie holding a random token)
// instead of a session. Only completeSecondFactor() turns a challenge into a session: there is
// no session, JWT or "pending" state anywhere else to skip to. Any first factor (password today,
// SSO later) opens challenges the same way, with its method recorded on the row.
import { and, count, eq, gt, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { getDb, type DbOrTx, type Tx } from '@/db';
import { organizations, signInChallenges, signInFailures, twoFactorCredentials, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { randomToken, sha256Hex } from '@/lib/crypto/tokens';
import { AppError } from '@/lib/errors';
import { orgLabelColumns } from '@/lib/orgs/reads';
import { runMutation, type MutationCtx } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { startSignedInSession } from '@/lib/sessions/writes';
import { ACCOUNT_POLICY, WINDOW_MS, retryAfterSeconds } from './throttle';
import { beginEnrollment, confirmEnrollment, consumeSecondFactor, requiresTwoFactor } from './two-factor';

export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one pending sign-in may take; then it is dead and the sign-in starts over. */
export const MAX_SECOND_FACTOR_ATTEMPTS = 5;

type FirstFactor = 'password';
export type ChallengeKind = 'verify' | 'enroll';

/** Per-account throttle key for second-factor failures (separate from the password's, which a right password clears). */
const throttleKey = (userId: string) => `2fa:${userId}`;

/** Which second step a user must pass after their first factor: none, a code, or enrolling first. */
export async function secondFactorStep(orgId: string, userId: string, tx: Tx): Promise<ChallengeKind | null> {
  const [row] = await tx
    .select({ settings: organizations.settings, confirmedAt: twoFactorCredentials.confirmedAt })
    .from(organizations)
    .leftJoin(twoFactorCredentials, and(eq(twoFactorCredentials.organizationId, organizations.id), eq(twoFactorCredentials.userId, userId)))
    .where(eq(organizations.id, orgId));
  if (row?.confirmedAt) return 'verify';
  return row && requiresTwoFactor(row.settings) ? 'enroll' : null;
}

/** Opens a pending sign-in in the caller's (first-factor) transaction; the token goes in the cookie. */
export async function openChallenge(
  ctx: MutationCtx,
  who: { orgId: string; userId: string },
  method: FirstFactor,
  kind: ChallengeKind,
  now = new Date(),
): Promise<{ token: string; challengeId: string }> {
  if (kind === 'enroll') await beginEnrollment(ctx, who.orgId, who.userId, 'sign_in');
  // The user's finished challenges are of no further use (their outcomes are in the audit log).
  await ctx.tx
    .delete(signInChallenges)
    .where(
      and(
        eq(signInChallenges.organizationId, who.orgId),
        eq(signInChallenges.userId, who.userId),
        or(
          isNotNull(signInChallenges.consumedAt),
          lte(signInChallenges.expiresAt, now),
          gte(signInChallenges.failedAttempts, MAX_SECOND_FACTOR_ATTEMPTS),
        ),
      ),
    );
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  const [row] = await ctx.tx
    .insert(signInChallenges)
    .values({ organizationId: who.orgId, userId: who.userId, tokenHash: sha256Hex(token), method, kind, expiresAt, createdAt: now })
    .returning({ id: signInChallenges.id });
  await record(
    ctx,
    { actionType: 'TWO_FACTOR_CHALLENGE_STARTED', metadata: { method, challengeId: row!.id, kind, expiresAt: expiresAt.toISOString() } },
    { organizationId: who.orgId, userId: who.userId },
  );
  return { token, challengeId: row!.id };
}

export type LiveChallenge = {
  id: string;
  kind: ChallengeKind;
  passed: boolean;
  attemptsLeft: number;
  orgId: string;
  orgSlug: string;
  orgName: string;
  userId: string;
  email: string;
};

function liveWhere(token: string, now: Date) {
  return and(
    eq(signInChallenges.tokenHash, sha256Hex(token)),
    isNull(signInChallenges.consumedAt),
    gt(signInChallenges.expiresAt, now),
    lt(signInChallenges.failedAttempts, MAX_SECOND_FACTOR_ATTEMPTS),
  );
}

/** The pending sign-in a cookie names, while it can still be completed. */
export async function findLiveChallenge(token: string | undefined, now = new Date(), db: DbOrTx = getDb()): Promise<LiveChallenge | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({
      c: signInChallenges,
      email: users.email,
      disabledAt: users.disabledAt,
      ...orgLabelColumns,
    })
    .from(signInChallenges)
    .innerJoin(users, eq(users.id, signInChallenges.userId))
    .innerJoin(organizations, eq(organizations.id, signInChallenges.organizationId))
    .where(liveWhere(token, now));
  if (!row || row.disabledAt) return null;
  return {
    id: row.c.id,
    kind: row.c.kind,
    passed: row.c.passedAt !== null,
    attemptsLeft: MAX_SECOND_FACTOR_ATTEMPTS - row.c.failedAttempts,
    orgId: row.c.organizationId,
    orgSlug: row.orgSlug,
    orgName: row.orgName,
    userId: row.c.userId,
    email: row.email,
  };
}

export type SecondFactorResult =
  | { ok: true; sessionId: string; orgSlug: string }
  /** No such pending sign-in, or it expired, was used, or took too many wrong codes: start over. */
  | { ok: false; reason: 'start_over' }
  | { ok: false; reason: 'wrong_code'; attemptsLeft: number }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/**
 * The second step: a TOTP or recovery code for `verify` challenges (an `enroll` challenge passes
 * by confirming the new authenticator first). Creates the session and consumes the challenge.
 * Wrong codes are counted on the challenge (dead after MAX) and throttled per account; each is
 * audited as LOGIN_FAILED with its reason.
 */
export async function completeSecondFactor(
  token: string | undefined,
  code: string | null,
  request: RequestMeta,
  now = new Date(),
): Promise<SecondFactorResult> {
  const found = await findLiveChallenge(token, now);
  if (!found || !token) return { ok: false, reason: 'start_over' };

  return runMutation({ orgId: found.orgId, actor: { kind: 'anonymous' }, request }, async (ctx): Promise<SecondFactorResult> => {
    const { tx } = ctx;
    // One attempt at a time per account, across instances (as for passwords).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${found.orgId}:${throttleKey(found.userId)}`}, 0))`);
    const [challenge] = await tx.select().from(signInChallenges).where(liveWhere(token, now)).for('update');
    if (!challenge) return { ok: false, reason: 'start_over' };
    const startSession = async (secondFactor: 'totp' | 'recovery_code' | null) => {
      await tx.update(signInChallenges).set({ consumedAt: now }).where(eq(signInChallenges.id, challenge.id));
      await tx
        .delete(signInFailures)
        .where(and(eq(signInFailures.organizationId, found.orgId), eq(signInFailures.accountKey, throttleKey(found.userId))));
      const sessionId = await startSignedInSession(
        ctx,
        { orgId: found.orgId, userId: found.userId, authMethod: challenge.method, secondFactor },
        now,
      );
      return { ok: true as const, sessionId, orgSlug: found.orgSlug };
    };

    if (challenge.kind === 'enroll') {
      // The code was checked when the new authenticator was confirmed (confirmChallengeEnrollment).
      if (!challenge.passedAt) throw new AppError('invalid_input', 'Set up your authenticator first.');
      return startSession('totp');
    }

    const failed = { method: challenge.method, email: found.email, challengeId: challenge.id };
    const since = new Date(now.getTime() - WINDOW_MS);
    const [stats] = await tx
      .select({
        count: count(),
        oldestAt: sql<Date | null>`min(${signInFailures.createdAt})`,
        latestAt: sql<Date | null>`max(${signInFailures.createdAt})`,
      })
      .from(signInFailures)
      .where(
        and(
          eq(signInFailures.organizationId, found.orgId),
          eq(signInFailures.accountKey, throttleKey(found.userId)),
          gte(signInFailures.createdAt, since),
        ),
      );
    const wait = retryAfterSeconds(
      {
        count: stats?.count ?? 0,
        oldestAt: stats?.oldestAt ? new Date(stats.oldestAt) : null,
        latestAt: stats?.latestAt ? new Date(stats.latestAt) : null,
      },
      ACCOUNT_POLICY,
      now,
    );
    if (wait > 0) {
      await record(
        ctx,
        { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason: 'rate_limited', retryAfterSeconds: wait } },
        { userId: found.userId },
      );
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: wait };
    }

    const [cred] = await tx
      .select()
      .from(twoFactorCredentials)
      .where(and(eq(twoFactorCredentials.organizationId, found.orgId), eq(twoFactorCredentials.userId, found.userId)))
      .for('update');
    const used =
      cred?.confirmedAt && code
        ? await consumeSecondFactor(ctx, cred, code, 'sign_in', now)
        : ({ ok: false, reason: 'wrong_two_factor_code' } as const);
    if (used.ok) return startSession(used.factor);

    const attempts = challenge.failedAttempts + 1;
    await tx.update(signInChallenges).set({ failedAttempts: attempts }).where(eq(signInChallenges.id, challenge.id));
    await tx
      .insert(signInFailures)
      .values({ organizationId: found.orgId, accountKey: throttleKey(found.userId), ipAddress: request.ipAddress, createdAt: now });
    const exhausted = attempts >= MAX_SECOND_FACTOR_ATTEMPTS;
    await record(ctx, { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason: used.reason } }, { userId: found.userId });
    if (exhausted) {
      await record(
        ctx,
        { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason: 'two_factor_attempts_exhausted' } },
        { userId: found.userId },
      );
      return { ok: false, reason: 'start_over' };
    }
    return { ok: false, reason: 'wrong_code', attemptsLeft: MAX_SECOND_FACTOR_ATTEMPTS - attempts };
  });
}

/**
 * Enrollment inside a sign-in (the organization requires 2FA and the user has none): confirms the
 * authenticator with a current code and marks the challenge passed. Returns the recovery codes.
 */
export async function confirmChallengeEnrollment(
  token: string | undefined,
  code: string,
  request: RequestMeta,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const found = await findLiveChallenge(token, now);
  if (!found || !token || found.kind !== 'enroll') throw new AppError('unauthenticated', 'This sign-in has expired. Sign in again.');
  return runMutation({ orgId: found.orgId, actor: { kind: 'anonymous' }, request }, async (ctx) => {
    const [challenge] = await ctx.tx.select().from(signInChallenges).where(liveWhere(token, now)).for('update');
    if (!challenge || challenge.passedAt) throw new AppError('conflict', 'This sign-in has already confirmed an authenticator.');
    const codes = await confirmEnrollment(ctx, found.orgId, found.userId, code, 'sign_in', now);
    await ctx.tx.update(signInChallenges).set({ passedAt: now }).where(eq(signInChallenges.id, challenge.id));
    return codes;
  });
}
