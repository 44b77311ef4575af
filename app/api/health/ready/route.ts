// GET /api/health/ready — readiness: 503 within a second while the database does not answer or
// the instance drains on SIGTERM; 200 { status, database } otherwise.
import { defineRoute } from '@/lib/server/route';
import { checkReadiness } from '@/lib/system/health';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async () =>
  Response.json(await checkReadiness(), { headers: { 'cache-control': 'no-store' } }),
);
