// GET · POST /api/v1/groups/{groupId}/members — public API; schemas and scopes in lib/api/operations
import { addMembersOp, listMembersOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listMembersOp);
export const POST = apiRoute(addMembersOp);
