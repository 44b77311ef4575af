export const root: string;
export const nextBin: string;
export const KEEP_ALIVE_MS: string;
export function buildIfStale(opts?: { log?: (line: string) => void; quiet?: boolean }): number;
