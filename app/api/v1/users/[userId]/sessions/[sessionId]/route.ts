// DELETE /api/v1/users/{userId}/sessions/{sessionId} — public API; schemas and scopes in lib/api/operations
import { revokeUserSessionOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(revokeUserSessionOp);
