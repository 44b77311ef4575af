// Growing delays between failed password attempts, per account and per client IP, over a sliding
// hour. There is never a permanent lockout: the oldest failure ages out and the account opens.

export const WINDOW_MS = 60 * 60 * 1000;

export type FailureStats = { count: number; oldestAt: Date | null; latestAt: Date | null };

type Policy = { freeAttempts: number; maxPerWindow: number; maxDelaySeconds: number };

/** At most 100 failures per account per hour; after 5, each waits 1, 2, 4 … up to 60 s. */
export const ACCOUNT_POLICY: Policy = { freeAttempts: 5, maxPerWindow: 100, maxDelaySeconds: 60 };
/** One IP may try many accounts (an office behind NAT), so its allowance is larger. */
export const IP_POLICY: Policy = { freeAttempts: 30, maxPerWindow: 300, maxDelaySeconds: 60 };

export function delaySeconds(failures: number, policy: Policy): number {
  if (failures < policy.freeAttempts) return 0;
  return Math.min(2 ** (failures - policy.freeAttempts), policy.maxDelaySeconds);
}

/** Seconds until another attempt is allowed under `policy` (0 = allowed now). */
export function retryAfterSeconds(stats: FailureStats, policy: Policy, now: Date): number {
  const waits: number[] = [0];
  if (stats.count >= policy.maxPerWindow && stats.oldestAt) {
    waits.push((stats.oldestAt.getTime() + WINDOW_MS - now.getTime()) / 1000);
  }
  if (stats.latestAt) {
    waits.push((stats.latestAt.getTime() + delaySeconds(stats.count, policy) * 1000 - now.getTime()) / 1000);
  }
  return Math.max(0, Math.ceil(Math.max(...waits)));
}
