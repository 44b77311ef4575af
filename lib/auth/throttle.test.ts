import { describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY, IP_POLICY, delaySeconds, retryAfterSeconds } from './throttle';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe('sign-in throttle', () => {
  it('lets the first few failures through without delay', () => {
    for (let n = 0; n < ACCOUNT_POLICY.freeAttempts; n++) expect(delaySeconds(n, ACCOUNT_POLICY)).toBe(0);
  });

  it('doubles the delay after that, up to a cap', () => {
    const delays = [5, 6, 7, 8, 12, 40].map((n) => delaySeconds(n, ACCOUNT_POLICY));
    expect(delays).toEqual([1, 2, 4, 8, 60, 60]);
  });

  it('asks to wait out the delay since the latest failure', () => {
    expect(retryAfterSeconds({ count: 8, oldestAt: ago(100), latestAt: ago(3) }, ACCOUNT_POLICY, now)).toBe(5);
    expect(retryAfterSeconds({ count: 8, oldestAt: ago(100), latestAt: ago(9) }, ACCOUNT_POLICY, now)).toBe(0);
  });

  it('caps failures per hour and reopens when the oldest ages out (no permanent lockout)', () => {
    const stats = { count: 100, oldestAt: ago(3000), latestAt: ago(120) };
    expect(retryAfterSeconds(stats, ACCOUNT_POLICY, now)).toBe(600);
    expect(retryAfterSeconds({ ...stats, oldestAt: ago(3600) }, ACCOUNT_POLICY, now)).toBe(0);
  });

  it('gives an IP more room than an account', () => {
    expect(retryAfterSeconds({ count: 20, oldestAt: ago(60), latestAt: ago(0) }, IP_POLICY, now)).toBe(0);
    expect(retryAfterSeconds({ count: 20, oldestAt: ago(60), latestAt: ago(0) }, ACCOUNT_POLICY, now)).toBe(60);
  });
});
