// POST /api/v1/audit-destinations/{destinationId}/test — public API; schemas and scopes in lib/api/operations
import { testAuditDestinationOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(testAuditDestinationOp);
