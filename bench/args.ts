// Command-line flags shared by the benchmarks.
export const args = process.argv.slice(2);

/** `--name N`: a positive whole number, or `fallback` when the flag is absent. */
export function countFlag(name: string, fallback: number): number {
  const i = args.indexOf(name);
  const n = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a positive whole number.`);
  return n;
}

/** `--name 1,2`: distinct positive whole numbers in the order given, or `fallback` when the flag is absent. */
export function countListFlag(name: string, fallback: number[]): number[] {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const list = String(args[i + 1] ?? '')
    .split(',')
    .map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < 1) || new Set(list).size !== list.length)
    throw new Error(`${name} takes distinct positive whole numbers separated by commas, e.g. ${name} 1,2.`);
  return list;
}
