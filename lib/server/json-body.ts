// The one reader of a request's JSON body, for every entry point that takes one: the app routes
// under defineRoute (app/api/apps/…), the public API (lib/api/route.ts) and SCIM
// (lib/scim/handler.ts). It refuses, in this order, a media type the caller does not accept, a
// body over the caller's limit (declared or read), text that is not JSON, and text Postgres cannot
// store. Framework-free: it reads any request with headers and a text() body, and throws a
// JsonBodyError that each caller answers in its own shape (error envelope, RFC 9457 problem,
// SCIM error).
import { AppError, type ErrorCode } from '@/lib/errors';
import { unstorableTextProblem } from '@/lib/storable-text';
import { headerOf, type HeaderSource } from './request-meta';

/** The largest body read unless a caller says otherwise: 1 MB, counted in UTF-8 bytes. */
export const JSON_BODY_MAX_BYTES = 1_000_000;

export type JsonBodyFault = 'media_type' | 'too_large' | 'syntax' | 'unstorable';

const CODES: Record<JsonBodyFault, ErrorCode> = {
  media_type: 'unsupported_media_type',
  too_large: 'too_large',
  syntax: 'invalid_request',
  unstorable: 'invalid_input',
};

/** A refused body: an AppError (415, 413, 400, 422 in that order of faults), with the fault for callers that answer differently. */
export class JsonBodyError extends AppError {
  constructor(
    readonly fault: JsonBodyFault,
    message: string,
  ) {
    super(CODES[fault], message);
    this.name = 'JsonBodyError';
  }
}

/** What the reader needs of a request: a web Request has it, and so does lib/scim/node.ts's adapter. */
export type JsonBodyRequest = { headers: HeaderSource; text(): Promise<string> };

export type JsonBodyOptions = {
  /** Media types accepted (compared without parameters, case-insensitively); application/json unless given. */
  types?: readonly string[];
  /** Bytes; JSON_BODY_MAX_BYTES unless given. */
  maxBytes?: number;
};

/**
 * The parsed body and its text (the public API fingerprints the text for Idempotency-Key). Only an
 * exact media type passes: `includes('application/json')` would let `text/plain; x=application/json`,
 * which a cross-site page may send without a CORS preflight, through.
 */
export async function readJsonBody(req: JsonBodyRequest, options: JsonBodyOptions = {}): Promise<{ json: unknown; text: string }> {
  const types = options.types ?? ['application/json'];
  const maxBytes = options.maxBytes ?? JSON_BODY_MAX_BYTES;
  const type = (headerOf(req.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.includes(type)) {
    const [first, ...others] = types;
    throw new JsonBodyError('media_type', `Send the body as ${first}${others.length ? ` (or ${others.join(', ')})` : ''}.`);
  }
  const tooLarge = () => new JsonBodyError('too_large', `The body is larger than ${maxBytes} bytes.`);
  if (Number(headerOf(req.headers, 'content-length') ?? '0') > maxBytes) throw tooLarge();
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JsonBodyError('syntax', 'The body is not valid JSON.');
  }
  const unstorable = unstorableTextProblem(json);
  if (unstorable) throw new JsonBodyError('unstorable', unstorable);
  return { json, text };
}
