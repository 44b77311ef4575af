// GET · PATCH · DELETE /api/v1/audit-destinations/{destinationId} — public API; schemas and scopes in lib/api/operations
import { deleteAuditDestinationOp, getAuditDestinationOp, updateAuditDestinationOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getAuditDestinationOp);
export const PATCH = apiRoute(updateAuditDestinationOp);
export const DELETE = apiRoute(deleteAuditDestinationOp);
