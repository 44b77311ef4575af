#!/usr/bin/env node
// `npm start`: builds the app when there is no build or the sources are newer than it, then
// serves it with `next start` (PORT, default 3000). Migrations run as the server starts.
import { spawn } from 'node:child_process';
import { buildIfStale, KEEP_ALIVE_MS, nextBin, root } from './build.mjs';

// Next.js telemetry phones home; Gatehouse never does.
process.env.NEXT_TELEMETRY_DISABLED = '1';

const status = buildIfStale();
if (status !== 0) process.exit(status);

// Node closes an idle keep-alive connection after 5 s; a client (or a load balancer, typically
// 60 s) that reuses it at that moment gets ECONNRESET. Outlive them unless told otherwise.
const args = process.argv.slice(2);
if (!args.includes('--keepAliveTimeout')) args.push('--keepAliveTimeout', KEEP_ALIVE_MS);
const server = spawn(process.execPath, [nextBin, 'start', ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
