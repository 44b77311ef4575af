// GET · PATCH /api/v1/users/{userId} — public API; schemas and scopes in lib/api/operations
import { getUserOp, updateUserOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getUserOp);
export const PATCH = apiRoute(updateUserOp);
