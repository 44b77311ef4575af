// Idempotency-Key on POST: the first response is stored for 24 hours and replayed for a retry of
// the same request; the same key with a different request is refused.
import { and, eq, gt } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { idempotencyKeys } from '@/db/schema';
import { sha256Hex } from '@/lib/crypto/tokens';

const TTL_MS = 24 * 3600 * 1000;

export type StoredResponse = { status: number; body: unknown };

export function requestFingerprint(method: string, path: string, body: string): string {
  return sha256Hex(`${method}\n${path}\n${body}`);
}

export async function findIdempotentResponse(
  tokenId: string,
  key: string,
  fingerprint: string,
  db: DbOrTx = getDb(),
): Promise<{ kind: 'replay'; response: StoredResponse } | { kind: 'conflict' } | null> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, new Date(Date.now() - TTL_MS))),
    );
  if (!row) return null;
  if (row.requestHash !== fingerprint) return { kind: 'conflict' };
  return { kind: 'replay', response: { status: row.status, body: row.body } };
}

export async function storeIdempotentResponse(
  tokenId: string,
  key: string,
  fingerprint: string,
  response: StoredResponse,
  db: DbOrTx = getDb(),
): Promise<void> {
  await db
    .insert(idempotencyKeys)
    .values({ tokenId, key, requestHash: fingerprint, status: response.status, body: response.body ?? null })
    .onConflictDoUpdate({
      target: [idempotencyKeys.tokenId, idempotencyKeys.key],
      set: { requestHash: fingerprint, status: response.status, body: response.body ?? null, createdAt: new Date() },
    });
}
