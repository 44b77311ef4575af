import type { Server, ServerResponse } from 'node:http';

export const DRAINING: unique symbol;
export function draining(): boolean;
export function stopGracefullyOnSignal(
  server: Server,
  options?: { stop?: () => Promise<void>; timeoutMs?: number; stopTimeoutMs?: number; exit?: (code: number) => void },
): void;
export function closeWhenDraining(res: ServerResponse): void;
