#!/usr/bin/env node
// The production server: Next.js's request handler on a Node HTTP server of Gatehouse's own
// (`npm start`, the browser tests and the benchmarks run it; decision 0024). Two things differ
// from `next start`:
// - the socket's peer address is appended to X-Forwarded-For, so the last entry is always the
//   one this server saw and a client cannot choose its own IP (GATEHOUSE_TRUSTED_PROXY_HOPS
//   says how many entries before it belong to trusted proxies);
// - SCIM requests (/api/scim/v2/…) are answered by lib/scim/node.ts directly, without the
//   framework's per-request pipeline, once instrumentation has published it;
// - while the database is away, every request but the health probes is answered 503 at once, and
//   SIGTERM drains: readiness 503, requests in flight answered, leases released, exit 0 (0033).
// Usage: node scripts/server.mjs [-p PORT] [-H HOSTNAME] [--keepAliveTimeout MS]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { root } from './build.mjs';
import { closeWhenDraining, stopGracefullyOnSignal } from './graceful-stop.mjs';

process.env.NODE_ENV = 'production';
// Next.js telemetry phones home; Gatehouse never does.
process.env.NEXT_TELEMETRY_DISABLED = '1';

const usage = 'Usage: node scripts/server.mjs [-p PORT] [-H HOSTNAME] [--keepAliveTimeout MS]';
let options;
try {
  ({ values: options } = parseArgs({
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' }, keepAliveTimeout: { type: 'string' } },
  }));
} catch (e) {
  console.error(`${e.message}\n${usage}`);
  process.exit(2);
}
const whole = (name, text, min, max) => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    console.error(`${name} must be a whole number from ${min} to ${max} (got "${text}").\n${usage}`);
    process.exit(2);
  }
  return n;
};
const port = whole('The port', options.port ?? process.env.PORT ?? '3000', 0, 65535);
const hostname = options.hostname; // unset: every interface, as `next start`
// Node closes an idle keep-alive connection after 5 s; a client (or a load balancer, typically
// 60 s) that reuses it at that moment gets ECONNRESET. Outlive them.
const keepAliveTimeout = whole('--keepAliveTimeout', options.keepAliveTimeout ?? '65000', 1, 3_600_000);

const { default: next } = await import('next');
const app = next({ dev: false, dir: root, hostname: hostname ?? 'localhost', port });
await app.prepare();
const handle = app.getRequestHandler();
// Published by instrumentation, which Next.js starts at once and every request of its own awaits;
// until then (the first moments after start) SCIM goes through Next.js to the same handler.
const SERVE_SCIM = Symbol.for('gatehouse.serveScim');
const SCIM_PREFIX = '/api/scim/v2/'; // lib/scim/node.ts SCIM_PATH_PREFIX
// Also published by instrumentation: answers 503 at once while the database is away (lib/system/availability.ts, 0033).
const REFUSE_WHILE_UNAVAILABLE = Symbol.for('gatehouse.refuseWhileUnavailable');
// And: a request that fails because the database went away while it ran is a 503, not a 500.
const ANSWER_UNAVAILABLE_NOT_500 = Symbol.for('gatehouse.answerUnavailableNot500');

const server = http.createServer((req, res) => {
  closeWhenDraining(res);
  const peer = req.socket.remoteAddress;
  if (peer) {
    const forwarded = req.headers['x-forwarded-for'];
    req.headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${peer}` : peer;
  }
  const refuse = globalThis[REFUSE_WHILE_UNAVAILABLE];
  if (typeof refuse === 'function' && refuse(req, res)) return;
  globalThis[ANSWER_UNAVAILABLE_NOT_500]?.(res);
  const serveScim = req.url?.startsWith(SCIM_PREFIX) ? globalThis[SERVE_SCIM] : undefined;
  const done = typeof serveScim === 'function' ? serveScim(req, res) : handle(req, res);
  done.catch((e) => {
    console.error('[gatehouse] request failed:', e);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Internal Server Error');
  });
});
server.keepAliveTimeout = keepAliveTimeout;
server.on('error', (e) => {
  console.error(`[gatehouse] cannot listen on ${hostname ?? '*'}:${port}: ${e.message}`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  const { port: bound } = server.address();
  console.log(`[gatehouse] listening on http://${hostname ?? 'localhost'}:${bound}`);
});

// SIGTERM/SIGINT: readiness 503, no new connections, requests in flight answered (at most 10 s),
// then the application stops (audit delivery leases released, the SCIM request log written, the
// database closed: lib/system/startup.ts stopServer) and the process exits 0.
const STOP_SERVER = Symbol.for('gatehouse.stopServer');
stopGracefullyOnSignal(server, {
  stop: async () => {
    const stopServer = globalThis[STOP_SERVER];
    if (typeof stopServer === 'function') await stopServer();
    await app.close();
  },
});
