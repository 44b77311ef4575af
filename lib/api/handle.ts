// The public API pipeline, framework-free: bearer token → rate limit → scope → parse params, query
// and body → Idempotency-Key → handler → JSON validated against the operation's response schema.
// Every response carries x-request-id and RateLimit-* headers; errors are RFC 9457 problems.
// lib/api/route.ts binds it to Next's route handlers; tests call it with a plain Request.
import { z } from 'zod';
import { authenticateApiToken } from '@/lib/api-tokens/reads';
import type { FieldErrors } from '@/lib/errors';
import { knownError } from '@/lib/server/failure';
import { JsonBodyError, readJsonBody } from '@/lib/server/json-body';
import type { RequestMeta } from '@/lib/server/request-meta';
import { findIdempotentResponse, requestFingerprint, storeIdempotentResponse } from './idempotency';
import { apiCtx, type ApiOperation } from './operation';
import { problem, problemResponse, type Problem } from './problem';
import { apiRateLimit, consumeRateLimit, rateLimitHeaders } from './rate-limit';

class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) (out[issue.path.join('.') || '_'] ??= []).push(issue.message);
  return out;
}

/** Answers one request to `op`; `params` are the path's, `meta` the request's id, client IP and user agent. */
export async function handleApiRequest(
  op: ApiOperation,
  req: Request,
  params: Record<string, string>,
  meta: RequestMeta,
): Promise<Response> {
  const headers: Record<string, string> = { 'x-request-id': meta.requestId, 'cache-control': 'no-store' };
  const fail = (code: Parameters<typeof problem>[0], detail: string, errors?: FieldErrors, extra: Record<string, string> = {}) =>
    new ProblemError(problem(code, detail, meta.requestId, errors), extra);
  try {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
    const principal = bearer ? await authenticateApiToken(bearer) : null;
    if (!principal)
      throw fail('unauthenticated', 'Send a valid, unexpired API token as "Authorization: Bearer <token>".', undefined, {
        'www-authenticate': 'Bearer',
      });

    const limit = await consumeRateLimit(`api:${principal.tokenId}`, apiRateLimit());
    Object.assign(headers, rateLimitHeaders(limit));
    if (!limit.allowed)
      throw fail('rate_limited', `This token made more than ${limit.limit} requests this minute.`, undefined, {
        'retry-after': String(limit.resetSeconds),
      });
    if (op.scope && !principal.scopes.includes(op.scope)) throw fail('insufficient_scope', `This needs the ${op.scope} scope.`);

    const url = new URL(req.url);
    const parsedParams = op.params ? op.params.safeParse(params) : null;
    if (parsedParams && !parsedParams.success) throw fail('not_found', 'Not found.');
    const query = op.query ? op.query.safeParse(Object.fromEntries(url.searchParams)) : null;
    if (query && !query.success) throw fail('invalid_request', 'Invalid query parameters.', fieldErrors(query.error));

    let rawBody = '';
    let body: z.ZodSafeParseResult<unknown> | null = null;
    if (op.body) {
      let json: unknown;
      try {
        ({ json, text: rawBody } = await readJsonBody(req, { maxBytes: op.maxBodyBytes }));
      } catch (e) {
        // The public API has always answered text that cannot be stored as a malformed request (400).
        if (e instanceof JsonBodyError && e.fault === 'unstorable') throw fail('invalid_request', e.message);
        throw e;
      }
      body = op.body.safeParse(json);
      if (!body.success) throw fail('invalid_request', 'The body does not match the schema.', fieldErrors(body.error));
    }

    const key = op.method === 'POST' ? req.headers.get('idempotency-key') : null;
    if (key !== null && !/^[\x21-\x7e]{1,255}$/.test(key))
      throw fail('invalid_request', 'Idempotency-Key must be 1–255 visible ASCII characters.');
    const fingerprint = key ? requestFingerprint(op.method, url.pathname, rawBody) : '';
    if (key) {
      const earlier = await findIdempotentResponse(principal.tokenId, key, fingerprint);
      if (earlier?.kind === 'conflict') throw fail('idempotency_conflict', 'This Idempotency-Key was used for a different request.');
      if (earlier?.kind === 'replay') {
        return new Response(earlier.response.status === 204 ? null : JSON.stringify(earlier.response.body), {
          status: earlier.response.status,
          headers: { ...headers, 'content-type': 'application/json', 'idempotent-replayed': 'true' },
        });
      }
    }

    const result = await op.handler(apiCtx(principal, meta), { params: parsedParams?.data, query: query?.data, body: body?.data } as never);
    const status = op.status ?? 200;
    const payload = status === 204 ? null : op.response.parse(result);
    if (key) await storeIdempotentResponse(principal.tokenId, key, fingerprint, { status, body: payload });
    return status === 204 ? new Response(null, { status, headers }) : Response.json(payload, { status, headers });
  } catch (e) {
    if (e instanceof ProblemError) return problemResponse(e.problem, { ...headers, ...e.headers });
    const known = knownError(e);
    if (known)
      return problemResponse(
        problem(known.code, known.message, meta.requestId, known.meta.fieldErrors),
        known.meta.retryAfterSeconds ? { ...headers, 'retry-after': String(known.meta.retryAfterSeconds) } : headers,
      );
    console.error(`[gatehouse] API request ${meta.requestId} failed:`, e);
    return problemResponse(problem('internal', `Something went wrong (ref: ${meta.requestId}).`, meta.requestId), headers);
  }
}
