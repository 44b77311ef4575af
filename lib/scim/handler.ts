// The SCIM 2.0 endpoint of one directory: bearer token → paused? → size and content-type checks
// → route → application/scim+json, with errors per RFC 7644 §3.12. Every request that names an
// existing directory lands in its request log. Framework-free: `answerScimRequest` takes any
// request with a method, URL, headers and a body reader and gives back status, headers and body
// text. Two transports carry it: the production server hands it Node's request directly
// (lib/scim/node.ts, decision 0024), and the Next.js route wraps it in a web Response (next dev,
// a bare `next start`, tests).
import { getAdhocDb, isDatabaseUnavailable } from '@/db';
import { isAppError } from '@/lib/errors';
import { DATABASE_UNAVAILABLE } from '@/lib/server/failure';
import { JsonBodyError, readJsonBody, type JsonBodyFault } from '@/lib/server/json-body';
import { headerOf, requestMetaFrom, originFrom, type HeaderSource } from '@/lib/server/request-meta';
import { authenticateDirectory, logScimRequest, scimBaseUrl } from './directories';
import { discovery } from './discovery';
import { scimErrorBody, scimErrorOf, ScimError, type ScimType } from './errors';
import * as groups from './groups';
import { listParams, MAX_BODY_BYTES, searchParams, type ListParams, type ScimCtx } from './resource';
import * as users from './users';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** What the endpoint reads of a request: a web Request has it, and so does lib/scim/node.ts's adapter. */
export type ScimHttpRequest = {
  method: string;
  /** Absolute URL; only its query string is read. */
  url: string;
  headers: HeaderSource;
  /** The body as text; may reject with a ScimError (413 when the body is too large). */
  text(): Promise<string>;
};

/** What the endpoint answers, for a transport to write out. */
export type ScimAnswer = { status: number; headers: Record<string, string>; body: string | null };

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** How SCIM answers each refused body (RFC 7644 §3.12). */
const BODY_FAULTS: Record<JsonBodyFault, [status: number, scimType: ScimType | null]> = {
  media_type: [415, null],
  too_large: [413, null],
  syntax: [400, 'invalidSyntax'],
  unstorable: [400, 'invalidValue'],
};

async function readJson(req: ScimHttpRequest): Promise<unknown> {
  try {
    return (await readJsonBody(req, { types: ['application/scim+json', 'application/json'], maxBytes: MAX_BODY_BYTES })).json;
  } catch (e) {
    if (!(e instanceof JsonBodyError)) throw e;
    const [status, scimType] = BODY_FAULTS[e.fault];
    throw new ScimError(status, scimType, e.message);
  }
}

async function route(ctx: ScimCtx, req: ScimHttpRequest, url: URL, path: string[]): Promise<Reply> {
  const method = req.method.toUpperCase();
  const [collection, id, ...rest] = path;
  if (rest.length) throw new ScimError(404, null, 'No such endpoint.');
  const found = discovery(ctx.baseUrl, collection, id);
  if (found !== undefined) {
    if (method !== 'GET') throw new ScimError(405, null, `${collection} is read-only.`);
    if (found === null) throw new ScimError(404, null, `${collection}/${id} not found.`);
    return ok(found);
  }
  const resource = collection === 'Users' ? users : collection === 'Groups' ? groups : null;
  if (!resource)
    throw new ScimError(
      404,
      null,
      'No such endpoint. This directory serves /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and /Schemas.',
    );
  const isUsers = resource === users;
  const projection = listParams(url.searchParams);

  if (id === '.search') {
    if (method !== 'POST') throw new ScimError(405, null, 'Use POST for .search.');
    const params = searchParams(await readJson(req));
    return ok(isUsers ? await users.listUsers(ctx, params) : await groups.listGroups(ctx, params));
  }
  if (id === undefined) {
    if (method === 'GET') return ok(isUsers ? await users.listUsers(ctx, projection) : await groups.listGroups(ctx, projection));
    if (method === 'POST') {
      const body = await readJson(req);
      const created = isUsers ? await users.createUser(ctx, body, projection) : await groups.createGroup(ctx, body, projection);
      return { status: 201, body: created, headers: { location: String((created.meta as { location: string }).location) } };
    }
    throw new ScimError(405, null, `Use GET or POST on /${collection}.`);
  }
  switch (method) {
    case 'GET':
      return ok(isUsers ? await users.getUser(ctx, id, projection) : await groups.getGroup(ctx, id, projection));
    case 'PUT': {
      const body = await readJson(req);
      return ok(isUsers ? await users.replaceUser(ctx, id, body, projection) : await groups.replaceGroup(ctx, id, body, projection));
    }
    case 'PATCH': {
      const body = await readJson(req);
      if (isUsers) return ok(await users.patchUser(ctx, id, body, projection));
      await groups.patchGroup(ctx, id, body);
      return { status: 204 };
    }
    case 'DELETE':
      await (isUsers ? users.deleteUser(ctx, id) : groups.deleteGroup(ctx, id));
      return { status: 204 };
    default:
      throw new ScimError(405, null, `Use GET, PUT, PATCH or DELETE on /${collection}/{id}.`);
  }
}

/**
 * Bodies below this size go out uncompressed. Next.js drops a route's Content-Length, so its gzip
 * cannot see that a body is small and compresses every answer, where a SCIM lookup or create
 * answer (about 1 KB) saves a few hundred bytes for more CPU than the rest of the request.
 * `no-transform` is the standard way to say so; list pages, which shrink well, are still compressed.
 */
export const SCIM_COMPRESS_MIN_BYTES = 8 * 1024;

function answer(reply: Reply, requestId: string): ScimAnswer {
  const headers: Record<string, string> = { 'x-request-id': requestId, 'cache-control': 'no-store', ...reply.headers };
  if (reply.body === undefined) return { status: reply.status, headers, body: null };
  const body = JSON.stringify(reply.body);
  if (body.length < SCIM_COMPRESS_MIN_BYTES) headers['cache-control'] = 'no-store, no-transform';
  return { status: reply.status, headers: { ...headers, 'content-type': SCIM_CONTENT_TYPE }, body };
}

/** An error answer outside a directory's request (the production server's transport). */
export function scimErrorAnswer(e: ScimError, requestId: string): ScimAnswer {
  return answer(errorReply(e), requestId);
}

/** The one place a failure becomes a SCIM error: ours as they are, the domain's AppErrors translated, anything else a 500 that is logged. */
function asScimError(e: unknown, requestId: string): ScimError {
  if (e instanceof ScimError) return e;
  if (isAppError(e) && e.status < 500) return scimErrorOf(e);
  if (isDatabaseUnavailable(e)) return new ScimError(503, null, DATABASE_UNAVAILABLE);
  console.error(`[gatehouse] SCIM request ${requestId} failed:`, e);
  return new ScimError(500, null, `Something went wrong (ref: ${requestId}).`);
}

function errorReply(e: ScimError): Reply {
  const headers: Record<string, string> =
    e.status === 401 ? { 'www-authenticate': 'Bearer realm="scim"' } : e.status === 503 ? { 'retry-after': '60' } : {};
  return { status: e.status, body: scimErrorBody(e.status, e.scimType, e.message), headers };
}

/** GET /Users?filter=userName eq "…" (first page): its userName and list parameters; null for anything else, including parameters listing would refuse. */
function lookupOf(req: ScimHttpRequest, url: URL, path: string[]): { userName: string; params: ListParams } | null {
  if (req.method.toUpperCase() !== 'GET' || path.length !== 1 || path[0] !== 'Users' || !url.searchParams.has('filter')) return null;
  let params: ListParams;
  try {
    params = listParams(url.searchParams);
  } catch {
    return null;
  }
  const userName = users.userNameLookup(params);
  return userName === null ? null : { userName, params };
}

/** Answers one request to `/api/scim/v2/{directoryId}/{...path}`. */
export async function answerScimRequest(req: ScimHttpRequest, directoryId: string, path: string[]): Promise<ScimAnswer> {
  const started = performance.now();
  const meta = requestMetaFrom(req.headers);
  const url = new URL(req.url);
  let directoryExists = false;
  let reply: Reply;
  try {
    const bearer = /^Bearer\s+(\S+)$/i.exec(headerOf(req.headers, 'authorization') ?? '')?.[1] ?? '';
    // Okta's and Entra's lookup before every create comes with the token check, in one statement.
    const lookup = lookupOf(req, url, path);
    const { directory, exists, named } = lookup
      ? await users.authenticateAndFindUser(directoryId, bearer, lookup.userName, lookup.params, getAdhocDb())
      : { ...(await authenticateDirectory(directoryId, bearer)), named: undefined };
    directoryExists = exists;
    if (!directory) {
      throw new ScimError(401, null, 'Send this directory\'s current token as "Authorization: Bearer <token>".');
    }
    if (directory.paused) throw new ScimError(503, null, 'This directory is paused by an administrator; retry later.');
    const ctx: ScimCtx = {
      directory,
      orgId: directory.organizationId,
      baseUrl: scimBaseUrl(originFrom(req.headers), directory.id),
      request: meta,
    };
    reply = named ? ok(await users.listUsers(ctx, lookup!.params, named)) : await route(ctx, req, url, path);
  } catch (e) {
    reply = errorReply(asScimError(e, meta.requestId));
  }
  if (directoryExists) {
    const error = reply.status >= 400 ? String((reply.body as { detail?: string } | undefined)?.detail ?? '') : null;
    logScimRequest(directoryId, {
      method: req.method,
      path: `/${path.join('/')}${url.search}`,
      status: reply.status,
      error,
      durationMs: Math.round(performance.now() - started),
      requestId: meta.requestId,
    });
  }
  return answer(reply, meta.requestId);
}

/** The same, as a web Response (the Next.js route, tests). */
export async function handleScimRequest(req: Request, directoryId: string, path: string[]): Promise<Response> {
  const { status, headers, body } = await answerScimRequest(req, directoryId, path);
  return new Response(body, { status, headers });
}
