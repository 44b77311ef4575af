#!/usr/bin/env node
// `npm start`: builds the app when there is no build or the sources are newer than it, then
// serves it with `next start` (PORT, default 3000). Migrations run as the server starts.
import { spawn } from 'node:child_process';
import { buildIfStale, nextBin, root } from './build.mjs';

// Next.js telemetry phones home; Gatehouse never does.
process.env.NEXT_TELEMETRY_DISABLED = '1';

const status = buildIfStale();
if (status !== 0) process.exit(status);

const server = spawn(process.execPath, [nextBin, 'start', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
