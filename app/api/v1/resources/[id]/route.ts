// GET /api/v1/resources/{id} — public API; schemas and scopes in lib/api/operations
import { resources } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(resources.get);
