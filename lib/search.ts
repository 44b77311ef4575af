import { printable } from '@/lib/storable-text';

/**
 * `%q%` for ILIKE, with the pattern characters in `q` escaped so they match literally. Characters
 * no stored text can hold (NUL, a lone surrogate) become U+FFFD, which Postgres accepts.
 */
export function containsPattern(q: string): string {
  return `%${printable(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
