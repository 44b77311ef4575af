import { describe, expect, it } from 'vitest';
import { sessionLimits } from './limits';
import { sessionState } from './state';

const hour = 3_600_000;
const now = new Date('2026-03-01T12:00:00Z');
const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * hour);
const defaults = sessionLimits({});

describe('session state', () => {
  it('defaults to 8 hours idle and 24 hours absolute', () => {
    expect(defaults).toEqual({ idleMs: 8 * hour, absoluteMs: 24 * hour });
  });

  it.each([
    ['fresh', { createdAt: at(1), lastSeenAt: at(0), revokedAt: null }, 'active'],
    ['used within the idle window', { createdAt: at(20), lastSeenAt: at(7.9), revokedAt: null }, 'active'],
    ['idle for 8 hours', { createdAt: at(9), lastSeenAt: at(8), revokedAt: null }, 'idle_expired'],
    ['past 24 hours though active', { createdAt: at(24), lastSeenAt: at(0), revokedAt: null }, 'expired'],
    ['revoked', { createdAt: at(1), lastSeenAt: at(0), revokedAt: at(0.5) }, 'revoked'],
  ] as const)('%s → %s', (_label, session, expected) => {
    expect(sessionState(session, defaults, now)).toBe(expected);
  });

  it('follows the organization settings', () => {
    const tight = sessionLimits({ sessionIdleMinutes: 15, sessionAbsoluteMinutes: 60 });
    expect(sessionState({ createdAt: at(0.5), lastSeenAt: at(0.3), revokedAt: null }, tight, now)).toBe('idle_expired');
  });
});
