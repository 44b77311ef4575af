// The closed set of errors a user may see. Each entry point maps them to its own shape:
// an action result, a JSON envelope, a CLI message.

export const errorStatus = {
  /** Malformed: a body that is not JSON, a query parameter that does not parse. */
  invalid_request: 400,
  invalid_input: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly meta: { fieldErrors?: FieldErrors; retryAfterSeconds?: number; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }

  /** One field's problem, shown next to that field in forms and named in CLI output. */
  static field(field: string, message: string, code: ErrorCode = 'invalid_input'): AppError {
    return new AppError(code, message, { fieldErrors: { [field]: [message] } });
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
