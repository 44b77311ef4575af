/** `%q%` for ILIKE, with the pattern characters in `q` escaped so they match literally. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
