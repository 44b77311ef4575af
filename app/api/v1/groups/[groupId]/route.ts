// GET · PATCH · DELETE /api/v1/groups/{groupId} — public API; schemas and scopes in lib/api/operations
import { deleteGroupOp, getGroupOp, updateGroupOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getGroupOp);
export const PATCH = apiRoute(updateGroupOp);
export const DELETE = apiRoute(deleteGroupOp);
