// SCIM on the production server, without Next.js's request pipeline (decision 0024): Node's
// request goes straight to answerScimRequest and the answer straight to the socket. Provisioning
// is machine traffic at thousands of requests a minute, where the framework's per-request work
// cost more than the endpoint's own. scripts/server.mjs calls serveScim for every path under
// SCIM_PATH_PREFIX once instrumentation has published it; anything else, and SCIM under
// `next dev` or a bare `next start`, goes through Next.js and the route file to the same handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { MACHINE_SECURITY_HEADERS } from '@/lib/server/security-headers';
import { headerOf, requestIdFrom } from '@/lib/server/request-meta';
import { ScimError } from './errors';
import { answerScimRequest, SCIM_COMPRESS_MIN_BYTES, scimErrorAnswer, type ScimAnswer, type ScimHttpRequest } from './handler';
import { bodyTooLarge, MAX_BODY_BYTES } from './resource';

export const SCIM_PATH_PREFIX = '/api/scim/v2/';
const SERVE_SCIM = Symbol.for('gatehouse.serveScim');
const gzip = promisify(zlib.gzip);

/** `/api/scim/v2/{directoryId}/{...path}?…` → its decoded segments; null for anything else (serveScim answers 404). */
export function scimRoute(url: string): { directoryId: string; path: string[] } | null {
  if (!url.startsWith(SCIM_PATH_PREFIX)) return null;
  const end = url.search(/[?#]/);
  let segments: string[];
  try {
    segments = url
      .slice(SCIM_PATH_PREFIX.length, end === -1 ? undefined : end)
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
  } catch {
    return null; // malformed %-escapes
  }
  const [directoryId, ...path] = segments;
  return directoryId === undefined ? null : { directoryId, path };
}

/** Does Accept-Encoding allow gzip (by name or `*`, with a q above 0)? */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * The body as text, read while it arrives: more than MAX_BODY_BYTES rejects with 413 at once
 * (whatever Content-Length said), and the rest is read and dropped, so an oversized or endless
 * body is never held in memory and the client still reads its answer (closing on unread data
 * would reset the connection under it). Node's request timeout bounds how long that goes on.
 * Decoded as a web Request's text() is: UTF-8, a leading BOM dropped, bad bytes replaced.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(bodyTooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(new TextDecoder().decode(Buffer.concat(chunks))));
    req.once('error', reject);
    req.once('close', () => reject(new Error('The client closed the connection before sending the whole body.')));
  });
}

/** Serves one SCIM request on Node's own request and response. */
export async function serveScim(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = scimRoute(req.url ?? '');
  let answer: ScimAnswer;
  if (!route) {
    answer = scimErrorAnswer(new ScimError(404, null, 'No such endpoint.'), requestIdFrom(headerOf(req.headers, 'x-request-id')));
  } else {
    let body: Promise<string> | undefined;
    const request: ScimHttpRequest = {
      method: req.method ?? 'GET',
      url: `http://localhost${req.url}`, // only the query is read; the origin comes from the headers
      headers: req.headers,
      text: () => (body ??= readBody(req)),
    };
    try {
      answer = await answerScimRequest(request, route.directoryId, route.path);
    } catch (e) {
      // answerScimRequest turns every failure into an answer; this is the last line of defence.
      console.error('[gatehouse] SCIM request failed outside the handler:', e);
      answer = scimErrorAnswer(new ScimError(500, null, 'Something went wrong.'), requestIdFrom(headerOf(req.headers, 'x-request-id')));
    }
  }
  await writeAnswer(req, res, answer);
}

/**
 * Writes the answer with the security headers of every API answer, gzipped when large and accepted.
 * A small answer goes out as a string, which Node sends with the headers in one write. An unread
 * request body is read and dropped by Node.
 */
async function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: ScimAnswer): Promise<void> {
  const headers: Record<string, string> = { ...MACHINE_SECURITY_HEADERS, ...answer.headers };
  let payload: string | Buffer = answer.body ?? '';
  const length = Buffer.byteLength(payload);
  if (length >= SCIM_COMPRESS_MIN_BYTES) {
    headers.vary = 'Accept-Encoding';
    if (acceptsGzip(req.headers['accept-encoding'] as string | undefined)) {
      // zlib runs on libuv's thread pool: the event loop keeps serving other requests meanwhile.
      payload = await gzip(payload);
      headers['content-encoding'] = 'gzip';
    }
  }
  // No Content-Length on 204 (RFC 9110 §8.6); Node sends no body with it either.
  if (answer.status !== 204) headers['content-length'] = String(typeof payload === 'string' ? length : payload.length);
  if (res.destroyed) return;
  res.writeHead(answer.status, headers);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** Called from instrumentation.ts: offers serveScim to scripts/server.mjs. */
export function publishScimServer(): void {
  (globalThis as unknown as Record<symbol, unknown>)[SERVE_SCIM] = serveScim;
}
