// SCIM errors per RFC 7644 §3.12: an HTTP status, a scimType for 400s and 409s, and a detail a
// provisioning admin can act on. Thrown anywhere under lib/scim and turned into a response once;
// the AppErrors of the shared domain code (lib/users, lib/groups) are translated here, once.
import type { AppError, ErrorCode } from '@/lib/errors';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, scimType, detail);
  }
}

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function scimErrorBody(status: number, scimType: ScimType | null, detail: string) {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/** Our errors as SCIM says them: SCIM has no 422, and a clash is a uniqueness conflict. */
const SCIM_STATUS: Partial<Record<ErrorCode, [number, ScimType | null]>> = {
  invalid_request: [400, 'invalidSyntax'],
  invalid_input: [400, 'invalidValue'],
  conflict: [409, 'uniqueness'],
};

/**
 * A shared domain function's AppError (below 500) as the SCIM error the IdP shows its admin. A
 * "not found" about a field of the body (a member id) is a 400: a 404 says the resource in the URL
 * is gone, and an IdP that hears that about a group it is patching creates the group again.
 */
export function scimErrorOf(e: AppError): ScimError {
  if (e.code === 'not_found' && e.meta.fieldErrors) return new ScimError(400, 'invalidValue', e.message);
  const [status, scimType] = SCIM_STATUS[e.code] ?? [e.status, null];
  return new ScimError(status, scimType, e.message);
}
