// POST /api/v1/users/{userId}/disable — public API; schemas and scopes in lib/api/operations
import { disableUserOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(disableUserOp);
