// Fixed-window request counting in Postgres, so every instance shares one count per token.
import { lt, sql } from 'drizzle-orm';
import { getDb, queryRows, type DbOrTx } from '@/db';
import { rateLimitWindows } from '@/db/schema';

export type RateLimitState = { limit: number; remaining: number; resetSeconds: number; allowed: boolean };

export function apiRateLimit(): number {
  const n = Number(process.env.GATEHOUSE_API_RATE_LIMIT ?? 600);
  return Number.isInteger(n) && n > 0 ? n : 600;
}

/** Counts one request against `bucket` in the current window and says whether it may proceed. */
export async function consumeRateLimit(
  bucket: string,
  limit: number,
  windowMs = 60_000,
  now = new Date(),
  db: DbOrTx = getDb(),
): Promise<RateLimitState> {
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`insert into rate_limit_windows (bucket, window_start, count) values (${bucket}, ${windowStart.toISOString()}, 1)
        on conflict (bucket, window_start) do update set count = rate_limit_windows.count + 1
        returning count`,
  );
  const count = Number(row?.count ?? 1);
  if (count === 1 && Math.random() < 0.01) {
    await db.delete(rateLimitWindows).where(lt(rateLimitWindows.windowStart, new Date(now.getTime() - 3_600_000)));
  }
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  return { limit, remaining: Math.max(0, limit - count), resetSeconds, allowed: count <= limit };
}

export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    'RateLimit-Limit': String(s.limit),
    'RateLimit-Remaining': String(s.remaining),
    'RateLimit-Reset': String(s.resetSeconds),
    'RateLimit-Policy': `${s.limit};w=60`,
  };
}
