// GET · POST /api/v1/permissions — public API; schemas and scopes in lib/api/operations
import { listGrantsOp, setGrantOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listGrantsOp);
export const POST = apiRoute(setGrantOp);
