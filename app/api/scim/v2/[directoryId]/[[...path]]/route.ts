// /api/scim/v2/{directoryId}/… — SCIM 2.0 for one directory; everything lives in lib/scim/handler.
import type { NextRequest } from 'next/server';
import { handleScimRequest } from '@/lib/scim/handler';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ directoryId: string; path?: string[] }> };

async function handle(req: NextRequest, { params }: Params): Promise<Response> {
  const { directoryId, path = [] } = await params;
  return handleScimRequest(req, directoryId, path);
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
