// GET · POST /api/v1/folders — public API; schemas and scopes in lib/api/operations
import { createFolderOp, listFoldersOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listFoldersOp);
export const POST = apiRoute(createFolderOp);
