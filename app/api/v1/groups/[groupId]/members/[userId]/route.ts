// DELETE /api/v1/groups/{groupId}/members/{userId} — public API; schemas and scopes in lib/api/operations
import { removeMemberOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute(removeMemberOp);
