// GET /api/health — liveness: the process answers. Never waits on the database (readiness: ./ready).
import { defineRoute } from '@/lib/server/route';
import { checkLiveness } from '@/lib/system/health';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async () => Response.json(checkLiveness(), { headers: { 'cache-control': 'no-store' } }));
