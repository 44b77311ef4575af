import { z } from 'zod';

export const API_SCOPES = [
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'permissions:read',
  'permissions:write',
  'folders:read',
  'folders:write',
  'apps:read',
  /** Download an app's export document (GET /apps/{id}/export): its definition, not just its metadata. */
  'apps:export',
  /** Import an export document as a new app or a new draft. */
  'apps:write',
  'resources:read',
  'audit:read',
  /** Read the organization's settings (session limits). */
  'settings:read',
  /** Change them. */
  'settings:write',
  /** List and read audit streaming destinations (never their secrets). */
  'audit-destinations:read',
  /** Create, change, pause, resume, test and delete audit streaming destinations. */
  'audit-destinations:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Scopes as typed by people: a list or a comma-separated string; `folders:*` means read and write. */
export const scopesInput = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .transform((list) => list.flatMap((s) => (s.endsWith(':*') ? API_SCOPES.filter((x) => x.startsWith(s.slice(0, -1))) : [s])))
  .pipe(
    z.array(z.enum(API_SCOPES, `Unknown scope. Known scopes: ${API_SCOPES.join(', ')}, folders:*.`)).min(1, 'Choose at least one scope.'),
  )
  .transform((list) => [...new Set(list)].sort() as ApiScope[]);

/** `30d`, `12h` or a whole number of days → milliseconds. */
export const expiresInInput = z
  .string()
  .trim()
  .regex(/^\d{1,4}[dh]?$/, 'Use a duration like 30d or 12h.')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    return (v.endsWith('h') ? n * 3600 : n * 86_400) * 1000;
  })
  .refine((ms) => ms > 0 && ms <= 5 * 365 * 86_400_000, 'Use a duration from 1h to 5 years.');
