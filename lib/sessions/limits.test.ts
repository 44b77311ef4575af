import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeSessionLimits, formatMinutes, sessionLimitMinutes, sessionLimitsFormInput, sessionLimitsInput } from './limits';

function formErrors(input: Record<string, string>) {
  const r = sessionLimitsFormInput.safeParse(input);
  return r.success ? {} : z.flattenError(r.error).fieldErrors;
}

describe('session limits', () => {
  it('default to today’s 8 hours idle and 24 hours absolute', () => {
    expect(sessionLimitMinutes({})).toEqual({ idleMinutes: 480, absoluteMinutes: 1440 });
    expect(sessionLimitMinutes({ sessionIdleMinutes: 30 })).toEqual({ idleMinutes: 30, absoluteMinutes: 1440 });
    expect(describeSessionLimits(sessionLimitMinutes({}))).toBe('Sessions end after 8 hours without activity, and 24 hours after sign-in.');
  });

  it.each([
    ['30m', 30],
    ['8h', 480],
    [' 14D ', 20_160],
    ['90', 90],
    ['1 h', 60],
  ])('reads the duration %j as %i minutes', (typed, minutes) => {
    expect(sessionLimitsFormInput.parse({ idleMinutes: typed, absoluteMinutes: '90d' }).idleMinutes).toBe(minutes);
  });

  it.each([
    [{ idleMinutes: '4m', absoluteMinutes: '1d' }, 'idleMinutes', 'Use at least 5 minutes.'],
    [{ idleMinutes: '31d', absoluteMinutes: '90d' }, 'idleMinutes', 'Use at most 30 days.'],
    [{ idleMinutes: '1h', absoluteMinutes: '91d' }, 'absoluteMinutes', 'Use at most 90 days.'],
    [{ idleMinutes: '', absoluteMinutes: '1d' }, 'idleMinutes', 'Enter a duration like 30m, 8h or 14d.'],
    [{ idleMinutes: '1w', absoluteMinutes: '1d' }, 'idleMinutes', 'Enter a duration like 30m, 8h or 14d.'],
    [{ idleMinutes: '-5m', absoluteMinutes: '1d' }, 'idleMinutes', 'Enter a duration like 30m, 8h or 14d.'],
  ])('refuses %j with a message on its field', (input, field, message) => {
    expect(formErrors(input)).toEqual({ [field]: [message] });
  });

  it('takes whole minutes in the API, either limit alone, and nothing else', () => {
    expect(sessionLimitsInput.parse({ idleMinutes: 15 })).toEqual({ idleMinutes: 15 });
    const r = sessionLimitsInput.safeParse({ idleMinutes: 7.5, absoluteMinutes: 200_000, idle: 5 });
    expect(r.success).toBe(false);
    expect(z.flattenError(r.error!)).toEqual({
      formErrors: [expect.stringContaining('idle')],
      fieldErrors: { idleMinutes: ['Use whole minutes.'], absoluteMinutes: ['Use at most 90 days.'] },
    });
  });

  it.each([
    [5, '5m'],
    [90, '90m'],
    [60, '1h'],
    [480, '8h'],
    [1440, '24h'],
    [2880, '2d'],
    [2940, '49h'],
    [129_600, '90d'],
  ])('writes %i minutes as %s', (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text);
  });
});
