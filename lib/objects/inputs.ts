import { z } from 'zod';
import { optionalId } from '@/lib/forms';
import { OBJECT_KINDS } from '@/lib/authz/levels';

const name = z.string().trim().min(1, 'Enter a name.').max(120, 'Use at most 120 characters.');
const kind = z.enum(OBJECT_KINDS, 'Unknown kind.');
const id = z.uuid('Unknown item.');

export const createObjectInput = z.object({ kind, name, folderId: optionalId });
export type CreateObjectInput = z.infer<typeof createObjectInput>;
export const renameObjectInput = z.object({ kind, objectId: id, name });
export const deleteObjectInput = z.object({ kind, objectId: id });
export const moveObjectInput = z.object({ kind, objectId: id, folderId: optionalId });

export const createFolderInput = z.object({ kind, name });
export const renameFolderInput = z.object({ kind, folderId: z.uuid('Unknown folder.'), name });
export const deleteFolderInput = z.object({ kind, folderId: z.uuid('Unknown folder.') });
