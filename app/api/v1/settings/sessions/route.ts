// GET · PATCH /api/v1/settings/sessions — public API; schemas and scopes in lib/api/operations
import { getSessionLimitsOp, updateSessionLimitsOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getSessionLimitsOp);
export const PATCH = apiRoute(updateSessionLimitsOp);
