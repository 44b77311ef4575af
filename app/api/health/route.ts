// GET /api/health — liveness plus a real database query: { status, database }.
import { defineRoute } from '@/lib/server/route';
import { checkHealth } from '@/lib/system/health';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async () =>
  Response.json(await checkHealth(), { headers: { 'cache-control': 'no-store' } }),
);
