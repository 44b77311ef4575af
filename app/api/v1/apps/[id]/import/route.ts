// POST /api/v1/apps/{id}/import — public API; schemas and scopes in lib/api/operations
import { importIntoAppOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(importIntoAppOp);
