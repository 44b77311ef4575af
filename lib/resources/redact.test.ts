import { describe, expect, it } from 'vitest';
import { redact } from './redact';

describe('redact', () => {
  it('cuts secret values of 3 characters or more out everywhere, longest first', () => {
    expect(redact('password authentication failed: s3cret-pw and s3cret', ['s3cret', 's3cret-pw'])).toBe(
      'password authentication failed: [redacted] and [redacted]',
    );
    // Short secrets are left alone (non-secret variable values like "on" would shred every message).
    expect(redact('connect ECONNREFUSED 127.0.0.1:5432', ['1'])).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it.each([
    // Postgres echoes a value inside double quotes: the whole quoted part goes.
    ['invalid input syntax for type integer: "x7"', '7', 'invalid input syntax for type integer: "[redacted]"'],
    ['invalid input syntax for type integer: "ab"', 'ab', 'invalid input syntax for type integer: "[redacted]"'],
    // Unquoted, as a word of its own.
    ['date/time field value out of range: 2024-13-01', '13', 'date/time field value out of range: 2024-[redacted]-01'],
    ['value 7 is out of range', '7', 'value [redacted] is out of range'],
    ['bad value: %', '%', 'bad value: [redacted]'],
    // Left alone where it is only part of another word, so the message stays readable.
    ['relation "orders" does not exist', '7', 'relation "orders" does not exist'],
    ['division by zero', 'o', 'division by zero'],
  ])('%s with hidden %j → %s', (message, hidden, expected) => {
    expect(redact(message, [], [hidden])).toBe(expected);
  });

  it('removes long hidden values everywhere, and ignores empty ones', () => {
    expect(redact('no user hunter2x here', [], ['hunter2', ''])).toBe('no user [redacted]x here');
  });
});
