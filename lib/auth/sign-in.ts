// Password sign-in: throttle → verify → session, or a pending second-factor challenge when the
// user has 2FA or the organization requires it. Every outcome is audited; the caller learns only
// "signed in", "wrong credentials" (the same for unknown, wrong and disabled), "wait N seconds" or
// "continue with the second factor". While the organization enforces SSO every refusal is "this
// organization signs in with SSO", whether or not the email exists; only break-glass admins get in.
import { and, count, eq, gte, lt, max, min, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db';
import { organizations, signInFailures, users } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { findOrganizationBySlug } from '@/lib/orgs/reads';
import { runMutation } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { startSignedInSession } from '@/lib/sessions/writes';
import { openChallenge, secondFactorStep } from './challenge';
import { enforcesSso, passwordRefusal } from './sso-enforcement';
import { verifyPassword, PASSWORD_MAX_LENGTH } from './password';
import { ACCOUNT_POLICY, IP_POLICY, WINDOW_MS, retryAfterSeconds, type FailureStats } from './throttle';

export const passwordSignInInput = z.object({
  orgSlug: z.string().trim().min(1).max(64),
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export type PasswordSignInInput = z.infer<typeof passwordSignInInput>;

export type SignInResult =
  | { ok: true; sessionId: string; userId: string; orgId: string; orgSlug: string }
  | { ok: false; reason: 'invalid_credentials' }
  /** The organization enforces SSO: any refusal other than rate limiting, for any email. */
  | { ok: false; reason: 'sso_enforced' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }
  /** The password was right; the browser must now pass the second step (lib/auth/challenge.ts). */
  | { ok: false; reason: 'second_factor_required'; challengeToken: string; orgSlug: string };

export const INVALID_CREDENTIALS_MESSAGE = 'Incorrect email or password.';

export async function failureStats(where: ReturnType<typeof and>, tx: Tx): Promise<FailureStats> {
  const [row] = await tx
    .select({ count: count(), oldestAt: min(signInFailures.createdAt), latestAt: max(signInFailures.createdAt) })
    .from(signInFailures)
    .where(where);
  return { count: row?.count ?? 0, oldestAt: row?.oldestAt ?? null, latestAt: row?.latestAt ?? null };
}

export async function signInWithPassword(input: PasswordSignInInput, request: RequestMeta, now = new Date()): Promise<SignInResult> {
  const org = await findOrganizationBySlug(input.orgSlug);
  if (!org) {
    await verifyPassword(null, input.password);
    return { ok: false, reason: 'invalid_credentials' };
  }
  const accountKey = input.email.toLowerCase();
  const since = new Date(now.getTime() - WINDOW_MS);

  return runMutation({ orgId: org.id, actor: { kind: 'anonymous' }, request }, async (ctx) => {
    const { tx } = ctx;
    // One attempt at a time per account, across every instance: the delays cannot be raced.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${org.id}:${accountKey}`}, 0))`);
    const [user] = await tx
      .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.organizationId, org.id), sql`lower(${users.email}) = ${accountKey}`));

    const account = await failureStats(
      and(eq(signInFailures.organizationId, org.id), eq(signInFailures.accountKey, accountKey), gte(signInFailures.createdAt, since)),
      tx,
    );
    const byIp = request.ipAddress
      ? await failureStats(and(eq(signInFailures.ipAddress, request.ipAddress), gte(signInFailures.createdAt, since)), tx)
      : { count: 0, oldestAt: null, latestAt: null };
    const wait = Math.max(retryAfterSeconds(account, ACCOUNT_POLICY, now), retryAfterSeconds(byIp, IP_POLICY, now));
    const failed = { method: 'password' as const, email: input.email };
    const [{ settings } = { settings: {} }] = await tx
      .select({ settings: organizations.settings })
      .from(organizations)
      .where(eq(organizations.id, org.id));
    const refused = enforcesSso(settings)
      ? ({ ok: false, reason: 'sso_enforced' } as const)
      : ({ ok: false, reason: 'invalid_credentials' } as const);

    if (wait > 0) {
      await record(
        ctx,
        { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason: 'rate_limited', retryAfterSeconds: wait } },
        { userId: user?.id ?? null },
      );
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: wait };
    }

    const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
    const reason = !user
      ? 'unknown_user'
      : !user.passwordHash
        ? 'no_password'
        : !passwordOk
          ? 'wrong_password'
          : user.disabledAt
            ? 'user_disabled'
            : await passwordRefusal(org.id, settings, user.id, tx);
    if (reason || !user) {
      await tx.insert(signInFailures).values({ organizationId: org.id, accountKey, ipAddress: request.ipAddress, createdAt: now });
      await tx
        .delete(signInFailures)
        .where(
          and(
            lt(signInFailures.createdAt, since),
            or(
              and(eq(signInFailures.organizationId, org.id), eq(signInFailures.accountKey, accountKey)),
              request.ipAddress ? eq(signInFailures.ipAddress, request.ipAddress) : undefined,
            ),
          ),
        );
      await record(
        ctx,
        { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason: reason ?? 'unknown_user' } },
        { userId: user?.id ?? null },
      );
      return refused;
    }

    await tx.delete(signInFailures).where(and(eq(signInFailures.organizationId, org.id), eq(signInFailures.accountKey, accountKey)));
    // The password alone is not enough when the user has an authenticator or the organization requires one.
    const kind = await secondFactorStep(org.id, user.id, tx);
    if (kind) {
      const challenge = await openChallenge(ctx, { orgId: org.id, userId: user.id }, 'password', kind, now);
      return { ok: false, reason: 'second_factor_required', challengeToken: challenge.token, orgSlug: org.slug };
    }
    const sessionId = await startSignedInSession(ctx, { orgId: org.id, userId: user.id, authMethod: 'password' }, now);
    return { ok: true, sessionId, userId: user.id, orgId: org.id, orgSlug: org.slug };
  });
}
