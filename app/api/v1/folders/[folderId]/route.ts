// PATCH · DELETE /api/v1/folders/{folderId} — public API; schemas and scopes in lib/api/operations
import { deleteFolderOp, renameFolderOp } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

export const PATCH = apiRoute(renameFolderOp);
export const DELETE = apiRoute(deleteFolderOp);
