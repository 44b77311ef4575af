// POST /api/v1/users/{userId}/enable — public API; schemas and scopes in lib/api/operations
import { enableUserOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(enableUserOp);
