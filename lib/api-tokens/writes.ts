import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db';
import { apiTokens } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { randomToken, sha256Hex } from '@/lib/crypto/tokens';
import { AppError } from '@/lib/errors';
import { actorUserId, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { expiresInInput, scopesInput, type ApiScope } from './scopes';

export const TOKEN_PREFIX = 'ght_';

export const createApiTokenInput = z.object({
  note: z.string().trim().max(200, 'Use at most 200 characters.').default(''),
  scopes: scopesInput,
  expiresIn: z.preprocess((v) => (v === '' || v === 'never' ? undefined : v), expiresInInput.optional()),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;

export type CreatedApiToken = { id: string; token: string; scopes: ApiScope[]; expiresAt: Date | null };

/** Mints a token (admins; the CLI as operator). The token is returned once; only its hash is kept. */
export async function createApiToken(ctx: MutationCtx, input: CreateApiTokenInput): Promise<CreatedApiToken> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const expiresAt = input.expiresIn ? new Date(Date.now() + input.expiresIn) : null;
  const [row] = await ctx.tx
    .insert(apiTokens)
    .values({
      organizationId: orgId,
      createdBy: actorUserId(ctx.actor),
      note: input.note,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 10),
      scopes: input.scopes,
      expiresAt,
    })
    .returning({ id: apiTokens.id });
  await record(ctx, {
    actionType: 'ACCESS_TOKEN_CREATED',
    metadata: { tokenId: row!.id, note: input.note, scopes: input.scopes, expiresAt: expiresAt?.toISOString() ?? null },
  });
  return { id: row!.id, token, scopes: input.scopes, expiresAt };
}

export async function revokeApiToken(ctx: MutationCtx, input: { tokenId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const [row] = await ctx.tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.organizationId, orgId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, note: apiTokens.note });
  if (!row) throw new AppError('not_found', 'No active token with that id.');
  await record(ctx, { actionType: 'ACCESS_TOKEN_REVOKED', metadata: { tokenId: row.id, note: row.note } });
}

/** Revokes every live token a user created, in the caller's transaction (when they are disabled); returns how many. */
export async function revokeUserApiTokens(orgId: string, userId: string, tx: Tx): Promise<number> {
  const rows = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.organizationId, orgId), eq(apiTokens.createdBy, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}
