// What the production server answers without the application (scripts/server.mjs asks before
// every request, once instrumentation.ts has published it; decision 0033). While the database is
// away (db/index.ts: databaseAwaySince), every request but the health probes gets a 503 at once:
// the JSON error envelope, or SCIM's error body under /api/scim/v2/. A request then never queues
// behind a database that does not answer, and none is half-served.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { databaseAwaySince } from '@/db';
import { DATABASE_UNAVAILABLE } from '@/lib/server/failure';
import { headerOf, requestIdFrom } from '@/lib/server/request-meta';
import { MACHINE_SECURITY_HEADERS } from '@/lib/server/security-headers';
import { scimErrorBody } from '@/lib/scim/errors';

export const LIVENESS_PATH = '/api/health';
export const READINESS_PATH = '/api/health/ready';
const SCIM_PREFIX = '/api/scim/v2/'; // lib/scim/node.ts SCIM_PATH_PREFIX
const RETRY_AFTER_SECONDS = 5;
const REFUSE = Symbol.for('gatehouse.refuseWhileUnavailable');
const NOT_500 = Symbol.for('gatehouse.answerUnavailableNot500');
const DRAINING = Symbol.for('gatehouse.draining');

/** Paths served whatever the database's state: the health probes and the build's static files. */
function servedWithoutDatabase(path: string): boolean {
  return path === LIVENESS_PATH || path === READINESS_PATH || path.startsWith('/_next/static/');
}

/** Answers 503 and returns true when the database is away; false (and writes nothing) otherwise. */
export function refuseWhileUnavailable(req: IncomingMessage, res: ServerResponse): boolean {
  if (databaseAwaySince() === null) return false;
  const url = req.url ?? '/';
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  if (servedWithoutDatabase(path)) return false;
  const requestId = requestIdFrom(headerOf(req.headers, 'x-request-id'));
  const scim = path.startsWith(SCIM_PREFIX);
  const body = JSON.stringify(
    scim ? scimErrorBody(503, null, DATABASE_UNAVAILABLE) : { error: { code: 'unavailable', message: DATABASE_UNAVAILABLE, requestId } },
  );
  res.writeHead(503, {
    ...MACHINE_SECURITY_HEADERS,
    'content-type': scim ? 'application/scim+json; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'retry-after': String(RETRY_AFTER_SECONDS),
    'x-request-id': requestId,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/**
 * A request in flight when the database went away fails midway, and Next.js answers a page that
 * threw with 500. Said as it is instead: 503 with Retry-After, so a load balancer and a client see
 * the same thing as for the requests refused above. Called on every response that reaches the
 * application (writeHead is where Node writes the status, explicitly or implicitly).
 */
export function answerUnavailableNot500(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (statusCode === 500 && databaseAwaySince() !== null) {
      statusCode = 503;
      this.statusCode = 503;
      this.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    }
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as ServerResponse['writeHead'];
}

/** True once the production server has been asked to stop (SIGTERM): readiness then answers 503. */
export function isDraining(): boolean {
  return (globalThis as unknown as Record<symbol, unknown>)[DRAINING] === true;
}

/** Called from instrumentation.ts: offers refuseWhileUnavailable and answerUnavailableNot500 to scripts/server.mjs. */
export function publishAvailabilityGuard(): void {
  (globalThis as unknown as Record<symbol, unknown>)[REFUSE] = refuseWhileUnavailable;
  (globalThis as unknown as Record<symbol, unknown>)[NOT_500] = answerUnavailableNot500;
}
