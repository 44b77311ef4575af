// DELETE /api/v1/permissions/{grantId} — public API; schemas and scopes in lib/api/operations
import { removeGrantOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(removeGrantOp);
