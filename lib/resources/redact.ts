// Removing values from messages before they reach a person, a log or an audit row: resource
// secrets, and query parameters listed in "disable logging for". Pure, so it is unit-tested alone.

const REDACTED = '[redacted]';
/** Below this length a value is too common as a substring to be cut out everywhere. */
const SHORT = 3;
const WORD = /[\p{L}\p{N}_]/u;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every occurrence of the given secret values (3 characters or more) in `message` with
 * [redacted]. `hiddenValues` (parameters whose logging is disabled) are removed whatever their
 * length: long ones everywhere; a 1–2 character one wherever it stands as a word of its own
 * (`2024-13-01`, `= 7`), and any double-quoted part of the message that contains it is replaced
 * whole — Postgres quotes the values it echoes (`invalid input syntax for type integer: "x7"`).
 * The rest of the message stays readable.
 */
export function redact(message: string, secretValues: readonly string[], hiddenValues: readonly string[] = []): string {
  const long = [...new Set([...secretValues, ...hiddenValues])].filter((v) => v.length >= SHORT).sort((a, b) => b.length - a.length);
  let out = message;
  for (const s of long) out = out.split(s).join(REDACTED);
  const short = [...new Set(hiddenValues)].filter((v) => v.length > 0 && v.length < SHORT);
  if (short.length === 0) return out;
  out = out.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => (short.some((v) => quoted.slice(1, -1).includes(v)) ? `"${REDACTED}"` : quoted));
  for (const s of short) {
    // A word boundary only where the value itself starts or ends with a word character.
    const before = WORD.test(s[0]!) ? '(?<![\\p{L}\\p{N}_])' : '';
    const after = WORD.test(s.at(-1)!) ? '(?![\\p{L}\\p{N}_])' : '';
    out = out.replace(new RegExp(`${before}${escapeRegExp(s)}${after}`, 'gu'), REDACTED);
  }
  return out;
}
