// GET · DELETE /api/v1/users/{userId}/sessions — public API; schemas and scopes in lib/api/operations
import { listUserSessionsOp, revokeUserSessionsOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listUserSessionsOp);
export const DELETE = apiRoute(revokeUserSessionsOp);
