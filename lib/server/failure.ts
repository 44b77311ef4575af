// What a failure means to the caller: an AppError as it is, a lost database as 503 "try again"
// (never a 500 that looks like a bug, never a hang), anything else as null (an internal error).
import { isDatabaseUnavailable } from '@/db';
import { AppError, isAppError } from '@/lib/errors';

export const DATABASE_UNAVAILABLE = 'The database is not answering. Nothing was changed; try again in a few seconds.';

export function knownError(e: unknown): AppError | null {
  if (isAppError(e)) return e;
  if (isDatabaseUnavailable(e)) return new AppError('unavailable', DATABASE_UNAVAILABLE, { retryAfterSeconds: 5 });
  return null;
}
