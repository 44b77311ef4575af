// Two-factor authentication (TOTP) of one user: enroll and confirm, consume a code, disable, the
// admin reset, recovery codes, and the organization's "require 2FA" setting. Seeds are envelopes
// bound to their row; recovery codes are SHA-256 only; codes are never written to an audit event.
import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import qrcode from 'qrcode-generator';
import { z } from 'zod';
import { getDb, type DbOrTx, type Tx } from '@/db';
import { organizations, recoveryCodes, twoFactorCredentials, users, type OrganizationSettings } from '@/db/schema';
import { revokeUserApiTokens } from '@/lib/api-tokens/writes';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { decryptSecret, encryptSecret, type EnvelopeContext } from '@/lib/crypto/envelope';
import { AppError } from '@/lib/errors';
import { checkbox } from '@/lib/forms';
import { currentKeyring } from '@/lib/keys/keyring';
import { actorUserId, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { endOtherSessions } from '@/lib/sessions/writes';
import { PASSWORD_MAX_LENGTH, verifyPassword } from './password';
import { generateRecoveryCodes, hashRecoveryCode, looksLikeRecoveryCode } from './recovery-codes';
import { generateTotpSecret, matchTotp, otpauthUri } from './totp';
import { requireOrgUser } from '@/lib/users/reads';

export type EnrolledVia = 'account' | 'sign_in';
export type SecondFactorKind = 'totp' | 'recovery_code';

const codeField = z.string().trim().min(1, 'Enter the code from your authenticator app.').max(32, 'That is not a code.');
export const confirmEnrollmentInput = z.object({ code: codeField });
export const disableTwoFactorInput = z.object({
  password: z.string().min(1, 'Enter your password.').max(PASSWORD_MAX_LENGTH),
  code: codeField,
});
export const regenerateRecoveryCodesInput = z.object({ code: codeField });
export const resetTwoFactorInput = z.object({ userId: z.uuid('Unknown user.'), reason: z.string().trim().max(500).optional() });
export const twoFactorRequirementInput = z.object({ required: checkbox });

const WRONG_CODE = 'That code is not right, or it was already used. Wait for the next code and try again.';

function seedContext(orgId: string, credentialId: string): EnvelopeContext {
  return { orgId, table: 'two_factor_credentials', column: 'secret', rowId: credentialId };
}

export function requiresTwoFactor(settings: OrganizationSettings): boolean {
  return settings.requireTwoFactor === true;
}

type Credential = typeof twoFactorCredentials.$inferSelect;

function credentialQuery(orgId: string, userId: string, db: DbOrTx) {
  return db
    .select()
    .from(twoFactorCredentials)
    .where(and(eq(twoFactorCredentials.organizationId, orgId), eq(twoFactorCredentials.userId, userId)));
}

async function findCredential(orgId: string, userId: string, db: DbOrTx): Promise<Credential | null> {
  const [row] = await credentialQuery(orgId, userId, db);
  return row ?? null;
}

/** The user's credential, locked until the caller's transaction ends. */
async function lockCredential(orgId: string, userId: string, tx: Tx): Promise<Credential | null> {
  const [row] = await credentialQuery(orgId, userId, tx).for('update');
  return row ?? null;
}

/** The confirmed authenticator of a user, if any (for the sign-in decision). */
export async function hasTwoFactor(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<boolean> {
  const cred = await findCredential(orgId, userId, db);
  return Boolean(cred?.confirmedAt);
}

function actingUser(ctx: MutationCtx): { orgId: string; userId: string } {
  const userId = actorUserId(ctx.actor);
  if (!ctx.orgId || !userId || ctx.actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in first.');
  return { orgId: ctx.orgId, userId };
}

/**
 * Gives the user a new, unconfirmed seed (replacing an unconfirmed one). A confirmed authenticator
 * is never replaced here: it must be disabled first, with password and code.
 */
export async function beginEnrollment(
  ctx: MutationCtx,
  orgId: string,
  userId: string,
  via: EnrolledVia,
): Promise<{ credentialId: string }> {
  const existing = await lockCredential(orgId, userId, ctx.tx);
  if (existing?.confirmedAt) throw new AppError('conflict', 'Two-factor authentication is already on.');
  if (existing) await ctx.tx.delete(twoFactorCredentials).where(eq(twoFactorCredentials.id, existing.id));
  const credentialId = randomUUID();
  const secret = encryptSecret(generateTotpSecret(), seedContext(orgId, credentialId), currentKeyring());
  await ctx.tx.insert(twoFactorCredentials).values({ id: credentialId, organizationId: orgId, userId, secret });
  await record(ctx, { actionType: 'TWO_FACTOR_ENROLLMENT_STARTED', metadata: { credentialId, via } }, { organizationId: orgId, userId });
  return { credentialId };
}

/** The signed-in user starts setting up an authenticator (account page). */
export async function startTwoFactorEnrollment(ctx: MutationCtx): Promise<void> {
  const { orgId, userId } = actingUser(ctx);
  await beginEnrollment(ctx, orgId, userId, 'account');
}

export type PendingEnrollment = { manualKey: string; otpauthUri: string; qrDataUrl: string };

/** What the user needs to add an unconfirmed seed to their app: the key, and a QR code of it. */
export async function pendingEnrollment(
  orgId: string,
  userId: string,
  account: { email: string; issuer: string },
  db: DbOrTx = getDb(),
): Promise<PendingEnrollment | null> {
  const cred = await findCredential(orgId, userId, db);
  if (!cred || cred.confirmedAt) return null;
  const secret = decryptSecret(cred.secret, seedContext(orgId, cred.id), currentKeyring());
  const uri = otpauthUri(secret, account.issuer, account.email);
  const qr = qrcode(0, 'M');
  qr.addData(uri);
  qr.make();
  const svg = qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
  return {
    manualKey: secret.replace(/(.{4})(?=.)/g, '$1 '),
    otpauthUri: uri,
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  };
}

async function replaceRecoveryCodes(orgId: string, userId: string, tx: Tx): Promise<string[]> {
  await tx.delete(recoveryCodes).where(and(eq(recoveryCodes.organizationId, orgId), eq(recoveryCodes.userId, userId)));
  const codes = generateRecoveryCodes();
  await tx.insert(recoveryCodes).values(codes.map((c) => ({ organizationId: orgId, userId, codeHash: hashRecoveryCode(c) })));
  return codes;
}

/**
 * Confirms the unconfirmed seed with a current code: two-factor is on from now, and the ten
 * recovery codes are returned — the only time they exist in clear.
 */
export async function confirmEnrollment(
  ctx: MutationCtx,
  orgId: string,
  userId: string,
  code: string,
  via: EnrolledVia,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const cred = await lockCredential(orgId, userId, ctx.tx);
  if (!cred) throw new AppError('conflict', 'Start the set-up again: there is no authenticator waiting to be confirmed.');
  if (cred.confirmedAt) throw new AppError('conflict', 'Two-factor authentication is already on.');
  const step = matchTotp(decryptSecret(cred.secret, seedContext(orgId, cred.id), currentKeyring()), code, now, null);
  if (step === null) throw AppError.field('code', WRONG_CODE);
  await ctx.tx
    .update(twoFactorCredentials)
    .set({ confirmedAt: now, lastUsedStep: step, updatedAt: now })
    .where(eq(twoFactorCredentials.id, cred.id));
  const codes = await replaceRecoveryCodes(orgId, userId, ctx.tx);
  await record(
    ctx,
    { actionType: 'ENABLE_TWO_FACTOR_AUTH', metadata: { credentialId: cred.id, via, recoveryCodes: codes.length } },
    { organizationId: orgId, userId },
  );
  return { recoveryCodes: codes };
}

/** The signed-in user confirms their new authenticator (account page). */
export async function confirmTwoFactorEnrollment(
  ctx: MutationCtx,
  input: z.infer<typeof confirmEnrollmentInput>,
): Promise<{ recoveryCodes: string[] }> {
  const { orgId, userId } = actingUser(ctx);
  return confirmEnrollment(ctx, orgId, userId, input.code, 'account');
}

export type ConsumeResult =
  { ok: true; factor: SecondFactorKind } | { ok: false; reason: 'wrong_two_factor_code' | 'two_factor_code_reused' };

/**
 * Checks a TOTP code (±1 step, never a step at or before the last accepted one) or an unused
 * recovery code of a confirmed authenticator, and uses it up in the caller's transaction.
 * Call with the credential row locked (FOR UPDATE), so two requests cannot both use one code.
 */
export async function consumeSecondFactor(
  ctx: MutationCtx,
  cred: Credential,
  code: string,
  during: 'sign_in' | 'disable' | 'regenerate',
  now = new Date(),
): Promise<ConsumeResult> {
  if (looksLikeRecoveryCode(code)) {
    const [used] = await ctx.tx
      .update(recoveryCodes)
      .set({ usedAt: now })
      .where(and(eq(recoveryCodes.userId, cred.userId), eq(recoveryCodes.codeHash, hashRecoveryCode(code)), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    if (!used) return { ok: false, reason: 'wrong_two_factor_code' };
    const [left] = await ctx.tx
      .select({ n: count() })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, cred.userId), isNull(recoveryCodes.usedAt)));
    await record(
      ctx,
      { actionType: 'RECOVERY_CODE_USED', metadata: { recoveryCodeId: used.id, remaining: left?.n ?? 0, during } },
      { organizationId: cred.organizationId, userId: cred.userId },
    );
    return { ok: true, factor: 'recovery_code' };
  }
  const secret = decryptSecret(cred.secret, seedContext(cred.organizationId, cred.id), currentKeyring());
  const step = matchTotp(secret, code, now, cred.lastUsedStep);
  if (step === null) {
    return { ok: false, reason: matchTotp(secret, code, now, null) === null ? 'wrong_two_factor_code' : 'two_factor_code_reused' };
  }
  const [advanced] = await ctx.tx
    .update(twoFactorCredentials)
    .set({ lastUsedStep: step, updatedAt: now })
    .where(
      and(eq(twoFactorCredentials.id, cred.id), or(isNull(twoFactorCredentials.lastUsedStep), lt(twoFactorCredentials.lastUsedStep, step))),
    )
    .returning({ id: twoFactorCredentials.id });
  return advanced ? { ok: true, factor: 'totp' } : { ok: false, reason: 'two_factor_code_reused' };
}

/** The confirmed authenticator of the acting user, locked; or a clear refusal. */
async function ownConfirmedCredential(ctx: MutationCtx, orgId: string, userId: string): Promise<Credential> {
  const cred = await lockCredential(orgId, userId, ctx.tx);
  if (!cred?.confirmedAt) throw new AppError('conflict', 'Two-factor authentication is not on.');
  return cred;
}

async function removeTwoFactor(orgId: string, userId: string, tx: Tx): Promise<void> {
  await tx.delete(twoFactorCredentials).where(and(eq(twoFactorCredentials.organizationId, orgId), eq(twoFactorCredentials.userId, userId)));
  await tx.delete(recoveryCodes).where(and(eq(recoveryCodes.organizationId, orgId), eq(recoveryCodes.userId, userId)));
}

/**
 * The user turns two-factor off: needs their password and a current code (or a recovery code).
 * Refused while the organization requires two-factor. Their other sessions end.
 */
export async function disableOwnTwoFactor(ctx: MutationCtx, input: z.infer<typeof disableTwoFactorInput>, now = new Date()): Promise<void> {
  const { orgId, userId } = actingUser(ctx);
  const [row] = await ctx.tx
    .select({ email: users.email, passwordHash: users.passwordHash, settings: organizations.settings })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(and(eq(users.id, userId), eq(users.organizationId, orgId)));
  if (!row) throw new AppError('unauthenticated', 'Sign in first.');
  if (requiresTwoFactor(row.settings)) {
    throw new AppError(
      'forbidden',
      'Your organization requires two-factor authentication, so it cannot be turned off. An admin can reset it if you lost your device.',
    );
  }
  const cred = await ownConfirmedCredential(ctx, orgId, userId);
  if (!(await verifyPassword(row.passwordHash, input.password))) throw AppError.field('password', 'That password is not right.');
  const used = await consumeSecondFactor(ctx, cred, input.code, 'disable', now);
  if (!used.ok) throw AppError.field('code', WRONG_CODE);
  await removeTwoFactor(orgId, userId, ctx.tx);
  const sessionsRevoked = await endOtherSessions(ctx, userId, 'two_factor_disabled', now);
  await record(ctx, {
    actionType: 'DISABLE_TWO_FACTOR_AUTH',
    metadata: { targetUserId: userId, email: row.email, by: 'self', sessionsRevoked, tokensRevoked: 0 },
  });
}

/** New recovery codes for the acting user (the old ones stop working); needs a current code. */
export async function regenerateRecoveryCodes(
  ctx: MutationCtx,
  input: z.infer<typeof regenerateRecoveryCodesInput>,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const { orgId, userId } = actingUser(ctx);
  const cred = await ownConfirmedCredential(ctx, orgId, userId);
  const used = await consumeSecondFactor(ctx, cred, input.code, 'regenerate', now);
  if (!used.ok) throw AppError.field('code', WRONG_CODE);
  const codes = await replaceRecoveryCodes(orgId, userId, ctx.tx);
  await record(ctx, { actionType: 'RECOVERY_CODES_REGENERATED', metadata: { count: codes.length } });
  return { recoveryCodes: codes };
}

/**
 * An admin removes another user's two-factor (a lost device). In the same transaction every
 * session and API token of that user is revoked, and any pending sign-in of theirs dies (endOtherSessions).
 */
export async function resetTwoFactor(
  ctx: MutationCtx,
  input: z.infer<typeof resetTwoFactorInput>,
  now = new Date(),
): Promise<{ sessionsRevoked: number; tokensRevoked: number }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await requireOrgUser(orgId, input.userId, ctx.tx);
  if (actorUserId(ctx.actor) === user.id)
    throw new AppError('invalid_input', 'Turn off your own two-factor authentication on your account page.');
  const cred = await lockCredential(orgId, user.id, ctx.tx);
  if (!cred?.confirmedAt) throw new AppError('conflict', 'This user has no two-factor authentication to reset.');
  await removeTwoFactor(orgId, user.id, ctx.tx);
  const sessionsRevoked = await endOtherSessions(ctx, user.id, 'two_factor_reset', now);
  const tokensRevoked = await revokeUserApiTokens(orgId, user.id, ctx.tx);
  await record(ctx, {
    actionType: 'DISABLE_TWO_FACTOR_AUTH',
    metadata: {
      targetUserId: user.id,
      email: user.email,
      by: 'admin_reset',
      ...(input.reason ? { reason: input.reason } : {}),
      sessionsRevoked,
      tokensRevoked,
    },
  });
  return { sessionsRevoked, tokensRevoked };
}

/** Admins turn the organization-wide requirement on or off; users without 2FA enroll at their next sign-in. */
export async function setTwoFactorRequirement(ctx: MutationCtx, input: z.infer<typeof twoFactorRequirementInput>): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const [org] = await ctx.tx.select().from(organizations).where(eq(organizations.id, orgId)).for('update');
  const before = requiresTwoFactor(org!.settings);
  if (before === input.required) throw new AppError('conflict', 'Nothing changed.');
  await ctx.tx
    .update(organizations)
    .set({ settings: { ...org!.settings, requireTwoFactor: input.required }, updatedAt: new Date() })
    .where(eq(organizations.id, orgId));
  await record(ctx, { actionType: 'TWO_FACTOR_REQUIREMENT_UPDATED', metadata: { before, after: input.required } });
}

export type TwoFactorStatus = { enabled: boolean; pending: boolean; enabledAt: Date | null; recoveryCodesLeft: number };

export async function twoFactorStatus(orgId: string, userId: string, db: DbOrTx = getDb()): Promise<TwoFactorStatus> {
  const cred = await findCredential(orgId, userId, db);
  const [left] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.organizationId, orgId), eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return {
    enabled: Boolean(cred?.confirmedAt),
    pending: Boolean(cred && !cred.confirmedAt),
    enabledAt: cred?.confirmedAt ?? null,
    recoveryCodesLeft: left?.n ?? 0,
  };
}
