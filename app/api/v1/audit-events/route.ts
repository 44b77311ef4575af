// GET /api/v1/audit-events — public API; schemas and scopes in lib/api/operations
import { listAuditEventsOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listAuditEventsOp);
