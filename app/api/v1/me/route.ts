// GET /api/v1/me — public API; schemas and scopes in lib/api/operations
import { getMe } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getMe);
