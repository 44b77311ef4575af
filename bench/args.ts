// Command-line flags shared by the benchmarks.
export const args = process.argv.slice(2);

/** `--name N`: a positive whole number, or `fallback` when the flag is absent. */
export function countFlag(name: string, fallback: number): number {
  const i = args.indexOf(name);
  const n = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a positive whole number.`);
  return n;
}
