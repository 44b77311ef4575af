// How long a session may live in an organization: idle (since its last request) and absolute
// (since sign-in), their ranges and defaults, and the inputs that set them. Stored in the
// organization's settings and read by every request's session check (decision 0038). Pure.
import { z } from 'zod';
import type { OrganizationSettings } from '@/db/schema';

const HOUR = 60;
const DAY = 24 * HOUR;

export const DEFAULT_SESSION_IDLE_MINUTES = 8 * HOUR;
export const DEFAULT_SESSION_ABSOLUTE_MINUTES = 24 * HOUR;

/** The ranges an organization may choose from, in minutes (decision 0038). */
export const SESSION_IDLE_RANGE = { min: 5, max: 30 * DAY } as const;
export const SESSION_ABSOLUTE_RANGE = { min: 5, max: 90 * DAY } as const;

/** An organization's limits as stored and shown: whole minutes. */
export type SessionLimitMinutes = { idleMinutes: number; absoluteMinutes: number };
/** The same limits as the session check uses them. */
export type SessionLimits = { idleMs: number; absoluteMs: number };

export function sessionLimitMinutes(settings: OrganizationSettings): SessionLimitMinutes {
  return {
    idleMinutes: settings.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES,
    absoluteMinutes: settings.sessionAbsoluteMinutes ?? DEFAULT_SESSION_ABSOLUTE_MINUTES,
  };
}

export function sessionLimits(settings: OrganizationSettings): SessionLimits {
  const { idleMinutes, absoluteMinutes } = sessionLimitMinutes(settings);
  return { idleMs: idleMinutes * 60_000, absoluteMs: absoluteMinutes * 60_000 };
}

/** 480 → "8h", 2880 → "2d", 90 → "90m": the largest unit that divides evenly (a day from two on). */
export function formatMinutes(minutes: number): string {
  if (minutes >= 2 * DAY && minutes % DAY === 0) return `${minutes / DAY}d`;
  if (minutes >= HOUR && minutes % HOUR === 0) return `${minutes / HOUR}h`;
  return `${minutes}m`;
}

const words = (minutes: number) => {
  const text = formatMinutes(minutes);
  const n = Number.parseInt(text, 10);
  const unit = { m: 'minute', h: 'hour', d: 'day' }[text.at(-1) as 'm' | 'h' | 'd'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
};

const limitMinutes = (range: { min: number; max: number }) =>
  z
    .number('Enter a number of minutes.')
    .int('Use whole minutes.')
    .min(range.min, `Use at least ${words(range.min)}.`)
    .max(range.max, `Use at most ${words(range.max)}.`);

/** The public API's body: whole minutes; a limit left out stays as it is. */
export const sessionLimitsInput = z
  .object({
    idleMinutes: limitMinutes(SESSION_IDLE_RANGE).optional().describe('End a session after this many minutes without a request.'),
    absoluteMinutes: limitMinutes(SESSION_ABSOLUTE_RANGE)
      .optional()
      .describe('End a session this many minutes after sign-in, however active; at least the idle limit.'),
  })
  .strict();
export type SessionLimitsInput = z.infer<typeof sessionLimitsInput>;

/** `30m`, `8h`, `14d` (or a bare number of minutes) → minutes. */
const duration = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d{1,6}\s*[mhd]?$/, 'Enter a duration like 30m, 8h or 14d.')
  .transform((v) => Number.parseInt(v, 10) * ({ h: HOUR, d: DAY }[v.at(-1)!] ?? 1));

/** The settings form and the CLI: durations people type. */
export const sessionLimitsFormInput = z.object({
  idleMinutes: duration.pipe(limitMinutes(SESSION_IDLE_RANGE)),
  absoluteMinutes: duration.pipe(limitMinutes(SESSION_ABSOLUTE_RANGE)),
});

/** For the settings page: the limits with their defaults, for display. */
export function describeSessionLimits(limits: SessionLimitMinutes): string {
  return `Sessions end after ${words(limits.idleMinutes)} without activity, and ${words(limits.absoluteMinutes)} after sign-in.`;
}
