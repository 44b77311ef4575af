import type { ChildProcess } from 'node:child_process';

export const INSTANCE_PORT_OFFSET: number;
export function startRoundRobinProxy(opts: {
  port: number;
  host?: string;
  upstreams: string[];
}): Promise<{ url: string; close(): Promise<void> }>;
export type Instances = { url: string; instances: { index: number; url: string; child: ChildProcess }[]; stop(): Promise<void> };
export function startInstances(opts: {
  count?: number;
  ports: number[];
  proxyPort?: number;
  host?: string;
  env: NodeJS.ProcessEnv;
  instanceEnv?: (index: number) => NodeJS.ProcessEnv;
  nodeArgs?: string[];
  onOutput?: (index: number, line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<Instances>;
