// GET /api/internal/audit-verify — walks the organization's audit hash chain (audit-log viewers).
import { verifyChainFor } from '@/lib/audit/chain';
import { defineRoute } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'session' }, async ({ session }) =>
  Response.json(await verifyChainFor(session.orgId, session.userId)),
);
