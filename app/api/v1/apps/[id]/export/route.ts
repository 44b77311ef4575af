// GET /api/v1/apps/{id}/export — public API; schemas and scopes in lib/api/operations
import { exportAppOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(exportAppOp);
