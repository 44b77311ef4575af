#!/usr/bin/env node
// `npm start`: builds the app when there is no build or the sources are newer than it, then
// serves it with scripts/server.mjs (PORT, default 3000; `npm start -- -p 4000 -H 127.0.0.1`).
// Migrations run as the server starts.
import { spawn } from 'node:child_process';
import { buildIfStale, root, serverScript } from './build.mjs';

const status = buildIfStale();
if (status !== 0) process.exit(status);

const server = spawn(process.execPath, [serverScript, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
