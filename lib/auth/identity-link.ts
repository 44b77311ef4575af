// Linking an SSO or Google identity to the existing account with its email, with proof. A sign-in
// whose email belongs to an account not linked to that identity is never let in on the email alone:
// it opens a link request (a row, bound to the browser by an httpOnly cookie holding a random
// token, 10 minutes, used once). Only the existing account's password — and its second factor
// when enrolled — completes it: the identity is linked (LINK_SSO_IDENTITY), and the session is the
// identity's (method sso or google), with the SSO connection's group mappings applied. Wrong
// answers count on the request (dead after 5) and on the account's password throttle, and are
// audited like password failures.
import { and, eq, gt, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import {
  googleIdentities,
  identityLinkRequests,
  organizations,
  signInFailures,
  ssoIdentities,
  twoFactorCredentials,
  users,
} from '@/db/schema';
import { record } from '@/lib/audit/record';
import { randomToken, sha256Hex } from '@/lib/crypto/tokens';
import { orgLabelColumns } from '@/lib/orgs/reads';
import { runMutation, type MutationCtx } from '@/lib/server/mutation';
import { applyGroupMappings } from '@/lib/sso/group-mappings';
import type { RequestMeta } from '@/lib/server/request-meta';
import { startSignedInSession } from '@/lib/sessions/writes';
import { verifyPassword } from './password';
import { failureStats } from './sign-in';
import { ACCOUNT_POLICY, WINDOW_MS, retryAfterSeconds } from './throttle';
import { consumeSecondFactor } from './two-factor';

export const LINK_TTL_MS = 10 * 60_000;
/** Wrong answers one link request may take; then it is dead and the sign-in starts over. */
export const MAX_LINK_ATTEMPTS = 5;

export type LinkProvider = 'sso' | 'google';
export type LinkIdentity = {
  orgId: string;
  userId: string;
  provider: LinkProvider;
  connectionId: string | null;
  subject: string;
  email: string;
  /** SSO: the IdP's groups, mapped when the link completes. */ groups?: string[];
};

/**
 * In the refused sign-in's transaction: opens a link request for the account `userId` and
 * returns the token for the browser's cookie. Null when the account cannot prove itself with a
 * password (it has none, or it is disabled): then only the refusal stands.
 */
export async function openIdentityLink(ctx: MutationCtx, who: LinkIdentity, now = new Date()): Promise<string | null> {
  const [user] = await ctx.tx
    .select({ passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.id, who.userId), eq(users.organizationId, who.orgId)));
  if (!user?.passwordHash || user.disabledAt) return null;
  await ctx.tx
    .delete(identityLinkRequests)
    .where(
      and(
        eq(identityLinkRequests.userId, who.userId),
        or(
          isNotNull(identityLinkRequests.consumedAt),
          lte(identityLinkRequests.expiresAt, now),
          gte(identityLinkRequests.failedAttempts, MAX_LINK_ATTEMPTS),
        ),
      ),
    );
  const token = randomToken();
  await ctx.tx.insert(identityLinkRequests).values({
    organizationId: who.orgId,
    userId: who.userId,
    provider: who.provider,
    connectionId: who.connectionId,
    subject: who.subject,
    email: who.email,
    idpGroups: (who.groups ?? []).slice(0, 200),
    tokenHash: sha256Hex(token),
    expiresAt: new Date(now.getTime() + LINK_TTL_MS),
    createdAt: now,
  });
  return token;
}

function liveWhere(token: string, now: Date) {
  return and(
    eq(identityLinkRequests.tokenHash, sha256Hex(token)),
    isNull(identityLinkRequests.consumedAt),
    gt(identityLinkRequests.expiresAt, now),
    lt(identityLinkRequests.failedAttempts, MAX_LINK_ATTEMPTS),
  );
}

export type PendingLink = { provider: LinkProvider; email: string; orgSlug: string; orgName: string; needsCode: boolean };

/** The link request this browser's cookie names, while it can still be completed. */
export async function findPendingLink(token: string | undefined, now = new Date(), db: DbOrTx = getDb()): Promise<PendingLink | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({
      provider: identityLinkRequests.provider,
      email: users.email,
      disabledAt: users.disabledAt,
      ...orgLabelColumns,
      confirmedAt: twoFactorCredentials.confirmedAt,
    })
    .from(identityLinkRequests)
    .innerJoin(users, eq(users.id, identityLinkRequests.userId))
    .innerJoin(organizations, eq(organizations.id, identityLinkRequests.organizationId))
    .leftJoin(twoFactorCredentials, eq(twoFactorCredentials.userId, identityLinkRequests.userId))
    .where(liveWhere(token, now));
  if (!row || row.disabledAt) return null;
  return { provider: row.provider, email: row.email, orgSlug: row.orgSlug, orgName: row.orgName, needsCode: row.confirmedAt !== null };
}

export type LinkResult =
  | { ok: true; sessionId: string; orgSlug: string }
  /** No such request, or it expired, was used, or took too many wrong answers: sign in again. */
  | { ok: false; reason: 'start_over' }
  | { ok: false; reason: 'wrong_credentials'; attemptsLeft: number }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/**
 * Completes a link request with the existing account's password (and a TOTP or recovery code
 * when it has an authenticator): links the identity, consumes the request and signs the user in
 * with the identity's method, in one transaction.
 */
export async function completeIdentityLink(
  token: string | undefined,
  input: { password: string; code?: string | null },
  request: RequestMeta,
  now = new Date(),
): Promise<LinkResult> {
  if (!token || token.length > 100) return { ok: false, reason: 'start_over' };
  const [found] = await getDb()
    .select({ orgId: identityLinkRequests.organizationId, email: users.email })
    .from(identityLinkRequests)
    .innerJoin(users, eq(users.id, identityLinkRequests.userId))
    .where(liveWhere(token, now));
  if (!found) return { ok: false, reason: 'start_over' };
  const accountKey = found.email.toLowerCase();

  return runMutation({ orgId: found.orgId, actor: { kind: 'anonymous' }, request }, async (ctx): Promise<LinkResult> => {
    const { tx } = ctx;
    // The password sign-in's lock and throttle: linking is not a way around either.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${found.orgId}:${accountKey}`}, 0))`);
    const [link] = await tx.select().from(identityLinkRequests).where(liveWhere(token, now)).for('update');
    if (!link) return { ok: false, reason: 'start_over' };
    const [user] = await tx
      .select({ id: users.id, email: users.email, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.id, link.userId), eq(users.organizationId, link.organizationId)));
    if (!user || user.disabledAt || !user.passwordHash) return { ok: false, reason: 'start_over' };
    const failed = { method: 'password' as const, email: user.email };

    const since = new Date(now.getTime() - WINDOW_MS);
    const stats = await failureStats(
      and(
        eq(signInFailures.organizationId, link.organizationId),
        eq(signInFailures.accountKey, accountKey),
        gte(signInFailures.createdAt, since),
      ),
      tx,
    );
    const wait = retryAfterSeconds(stats, ACCOUNT_POLICY, now);
    if (wait > 0) {
      await record(
        ctx,
        { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason: 'rate_limited', retryAfterSeconds: wait } },
        { userId: user.id },
      );
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: wait };
    }

    let reason: 'wrong_password' | 'wrong_two_factor_code' | 'two_factor_code_reused' | null = (await verifyPassword(
      user.passwordHash,
      input.password,
    ))
      ? null
      : 'wrong_password';
    let secondFactor: 'totp' | 'recovery_code' | undefined;
    if (!reason) {
      const [cred] = await tx
        .select()
        .from(twoFactorCredentials)
        .where(and(eq(twoFactorCredentials.organizationId, link.organizationId), eq(twoFactorCredentials.userId, user.id)))
        .for('update');
      if (cred?.confirmedAt) {
        const used = input.code
          ? await consumeSecondFactor(ctx, cred, input.code.trim(), 'sign_in', now)
          : ({ ok: false, reason: 'wrong_two_factor_code' } as const);
        if (used.ok) secondFactor = used.factor;
        else reason = used.reason;
      }
    }
    if (reason) {
      const attempts = link.failedAttempts + 1;
      await tx.update(identityLinkRequests).set({ failedAttempts: attempts }).where(eq(identityLinkRequests.id, link.id));
      await tx
        .insert(signInFailures)
        .values({ organizationId: link.organizationId, accountKey, ipAddress: request.ipAddress, createdAt: now });
      await record(ctx, { actionType: 'LOGIN_FAILED', metadata: { ...failed, reason } }, { userId: user.id });
      return attempts >= MAX_LINK_ATTEMPTS
        ? { ok: false, reason: 'start_over' }
        : { ok: false, reason: 'wrong_credentials', attemptsLeft: MAX_LINK_ATTEMPTS - attempts };
    }

    await tx.update(identityLinkRequests).set({ consumedAt: now }).where(eq(identityLinkRequests.id, link.id));
    const linked =
      link.provider === 'sso'
        ? await tx
            .insert(ssoIdentities)
            .values({
              organizationId: link.organizationId,
              connectionId: link.connectionId!,
              subject: link.subject,
              userId: user.id,
              lastLoginAt: now,
            })
            .onConflictDoNothing()
            .returning({ id: ssoIdentities.id })
        : await tx
            .insert(googleIdentities)
            .values({ organizationId: link.organizationId, subject: link.subject, userId: user.id, lastLoginAt: now })
            .onConflictDoNothing()
            .returning({ id: googleIdentities.id });
    // The identity was linked or provisioned meanwhile (another browser): nothing to link here.
    if (linked.length === 0) return { ok: false, reason: 'start_over' };
    await tx
      .delete(signInFailures)
      .where(and(eq(signInFailures.organizationId, link.organizationId), eq(signInFailures.accountKey, accountKey)));
    await record(
      ctx,
      {
        actionType: 'LINK_SSO_IDENTITY',
        metadata: {
          method: link.provider,
          connectionId: link.connectionId,
          subject: link.subject,
          email: link.email,
          targetUserId: user.id,
          ...(secondFactor ? { secondFactor } : {}),
        },
      },
      { userId: user.id },
    );
    // Like every SSO sign-in, this one applies the connection's group mappings.
    if (link.provider === 'sso') await applyGroupMappings(ctx, link.connectionId!, user.id, link.idpGroups);
    const [org] = await tx.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, link.organizationId));
    const sessionId = await startSignedInSession(
      ctx,
      { orgId: link.organizationId, userId: user.id, authMethod: link.provider, secondFactor: secondFactor ?? null },
      now,
    );
    return { ok: true, sessionId, orgSlug: org!.slug };
  });
}
