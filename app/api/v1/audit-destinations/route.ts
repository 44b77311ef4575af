// GET · POST /api/v1/audit-destinations — public API; schemas and scopes in lib/api/operations
import { createAuditDestinationOp, listAuditDestinationsOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listAuditDestinationsOp);
export const POST = apiRoute(createAuditDestinationOp);
