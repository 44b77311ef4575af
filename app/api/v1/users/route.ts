// GET · POST /api/v1/users — public API; schemas and scopes in lib/api/operations
import { inviteUserOp, listUsersOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listUsersOp);
export const POST = apiRoute(inviteUserOp);
