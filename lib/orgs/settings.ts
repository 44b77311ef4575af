import type { OrganizationSettings } from '@/db/schema';

export const DEFAULT_SESSION_IDLE_MINUTES = 8 * 60;
export const DEFAULT_SESSION_ABSOLUTE_MINUTES = 24 * 60;

export type SessionLimits = { idleMs: number; absoluteMs: number };

export function sessionLimits(settings: OrganizationSettings): SessionLimits {
  return {
    idleMs: (settings.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES) * 60_000,
    absoluteMs: (settings.sessionAbsoluteMinutes ?? DEFAULT_SESSION_ABSOLUTE_MINUTES) * 60_000,
  };
}
