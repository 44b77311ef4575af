import { and, desc, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { apiTokens, organizations, users } from '@/db/schema';
import { sha256Hex } from '@/lib/crypto/tokens';
import type { ApiScope } from './scopes';
import { TOKEN_PREFIX } from './writes';

export type ApiTokenListItem = {
  id: string;
  note: string;
  prefix: string;
  scopes: string[];
  createdByEmail: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function listApiTokens(orgId: string, db: DbOrTx = getDb()): Promise<ApiTokenListItem[]> {
  return db
    .select({
      id: apiTokens.id,
      note: apiTokens.note,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      createdByEmail: users.email,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.organizationId, orgId))
    .orderBy(desc(apiTokens.createdAt));
}

export type ApiPrincipal = {
  tokenId: string;
  orgId: string;
  orgSlug: string;
  /** The creator the token acts as; null for an operator (CLI) token. */
  userId: string | null;
  scopes: ApiScope[];
};

const TOUCH_EVERY_MS = 60_000;

/**
 * The token a bearer credential names, while it is unrevoked, unexpired and its creator enabled.
 * Any failure is the same null: callers answer 401 without saying which.
 */
export async function authenticateApiToken(bearer: string, now = new Date(), db: DbOrTx = getDb()): Promise<ApiPrincipal | null> {
  if (!bearer.startsWith(TOKEN_PREFIX) || bearer.length > 100) return null;
  const [row] = await db
    .select({
      id: apiTokens.id,
      orgId: apiTokens.organizationId,
      orgSlug: organizations.slug,
      createdBy: apiTokens.createdBy,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      creatorDisabled: sql<boolean>`${users.disabledAt} is not null`,
    })
    .from(apiTokens)
    .innerJoin(organizations, eq(organizations.id, apiTokens.organizationId))
    .leftJoin(users, and(eq(users.id, apiTokens.createdBy), eq(users.organizationId, apiTokens.organizationId)))
    .where(eq(apiTokens.tokenHash, sha256Hex(bearer)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.creatorDisabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  return { tokenId: row.id, orgId: row.orgId, orgSlug: row.orgSlug, userId: row.createdBy, scopes: row.scopes as ApiScope[] };
}
