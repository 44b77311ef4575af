export const root: string;
export const nextBin: string;
export const serverScript: string;
export function buildIfStale(opts?: { log?: (line: string) => void; quiet?: boolean }): number;
