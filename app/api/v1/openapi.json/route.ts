// GET /api/v1/openapi.json — the OpenAPI 3.1 description of the public API (no token needed).
import { buildOpenApi } from '@/lib/api/openapi';
import { defineRoute } from '@/lib/server/route';
import { requestOrigin } from '@/lib/server/request';

export const dynamic = 'force-dynamic';

export const GET = defineRoute({ auth: 'none' }, async () => Response.json(buildOpenApi(await requestOrigin())));
