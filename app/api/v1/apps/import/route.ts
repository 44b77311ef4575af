// POST /api/v1/apps/import — public API; schemas and scopes in lib/api/operations
import { importAppOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(importAppOp);
