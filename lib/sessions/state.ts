import type { SessionLimits } from './limits';

export type SessionState = 'active' | 'revoked' | 'idle_expired' | 'expired';

/** A session is usable only while not revoked, within the absolute limit, and not idle too long. */
export function sessionState(
  s: { createdAt: Date; lastSeenAt: Date; revokedAt: Date | null },
  limits: SessionLimits,
  now: Date,
): SessionState {
  if (s.revokedAt) return 'revoked';
  if (now.getTime() - s.createdAt.getTime() >= limits.absoluteMs) return 'expired';
  if (now.getTime() - s.lastSeenAt.getTime() >= limits.idleMs) return 'idle_expired';
  return 'active';
}
