// RFC 9457 problem details for the public API, with a stable `type` per error code.
import { errorStatus, type ErrorCode, type FieldErrors } from '@/lib/errors';

export type ProblemCode = ErrorCode | 'insufficient_scope' | 'idempotency_conflict';

const TITLES: Record<ProblemCode, string> = {
  invalid_input: 'The request cannot be carried out',
  invalid_request: 'The request is malformed',
  unauthenticated: 'Missing, invalid or expired token',
  forbidden: 'Not allowed',
  insufficient_scope: 'The token lacks the scope this needs',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_large: 'The body is too large',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
  unsupported_media_type: 'Unsupported media type',
  idempotency_conflict: 'Idempotency key reused for a different request',
};

const STATUS: Record<ProblemCode, number> = {
  ...errorStatus,
  insufficient_scope: 403,
  idempotency_conflict: 422,
};

export const problemType = (code: ProblemCode) => `urn:gatehouse:problem:${code}`;

export type Problem = { type: string; title: string; status: number; detail: string; requestId: string; errors?: FieldErrors };

export function problem(code: ProblemCode, detail: string, requestId: string, errors?: FieldErrors): Problem {
  return { type: problemType(code), title: TITLES[code], status: STATUS[code], detail, requestId, ...(errors ? { errors } : {}) };
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), { status: p.status, headers: { 'content-type': 'application/problem+json', ...headers } });
}

export const PROBLEM_CODES = Object.keys(TITLES) as ProblemCode[];
