// A graceful stop for the production server (scripts/server.mjs; decision 0033). On SIGTERM or
// SIGINT: readiness answers 503 at once (the draining flag lib/system/availability.ts reads); the
// server takes no new connections, closes idle ones and answers what is in flight, each answer
// with `Connection: close`; after `timeoutMs` the remaining connections are cut. Then `stop` runs
// (the application's part: leases released, queued log entries written, database closed, at most
// `stopTimeoutMs`) and the process exits 0.
export const DRAINING = Symbol.for('gatehouse.draining');

/** True once a stop has begun. */
export function draining() {
  return globalThis[DRAINING] === true;
}

/**
 * Stops `server` gracefully on the first SIGTERM or SIGINT, then calls `exit(0)`. The request
 * handler should call `closeWhenDraining(res)` on every answer.
 */
export function stopGracefullyOnSignal(
  server,
  { stop = async () => {}, timeoutMs = 10_000, stopTimeoutMs = 5_000, exit = process.exit } = {},
) {
  const onSignal = (signal) => {
    if (draining()) return;
    globalThis[DRAINING] = true;
    console.log(`[gatehouse] ${signal}: finishing requests in flight (at most ${timeoutMs / 1000} s), then stopping.`);
    void drain(server, timeoutMs)
      .then(({ cut }) => {
        if (cut) console.error(`[gatehouse] ${cut} connection(s) still busy after ${timeoutMs / 1000} s were closed.`);
        return within(stop(), stopTimeoutMs, 'the application did not stop in time');
      })
      .catch((e) => console.error('[gatehouse] while stopping:', e))
      .finally(() => exit(0));
  };
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
}

/**
 * An answer written while the server drains asks the client to close its kept-alive connection,
 * including one to a request that arrived before the stop began (decided when the head is written).
 */
export function closeWhenDraining(res) {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    if (draining() && !this.headersSent) this.setHeader('connection', 'close');
    return writeHead.apply(this, args);
  };
}

/**
 * Resolves once every connection has closed: idle ones at once, busy ones as they finish their
 * answer (checked every 50 ms), and whatever is still open after `timeoutMs` cut.
 */
function drain(server, timeoutMs) {
  return new Promise((resolve) => {
    let cut = 0;
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      server.getConnections((_, n) => {
        cut = n;
        server.closeAllConnections();
      });
    }, timeoutMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(timer);
      resolve({ cut });
    });
    server.closeIdleConnections();
  });
}

function within(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
