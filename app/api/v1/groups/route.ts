// GET · POST /api/v1/groups — public API; schemas and scopes in lib/api/operations
import { createGroupOp, listGroupsOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listGroupsOp);
export const POST = apiRoute(createGroupOp);
