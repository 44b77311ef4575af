'use server';

import { revalidatePath } from 'next/cache';
import { createLibraryQueryInput, deleteLibraryQueryInput, updateLibraryQueryInput } from '@/lib/query-library/inputs';
import { createLibraryQuery, deleteLibraryQuery, updateLibraryQuery } from '@/lib/query-library/writes';
import { defineAction } from '@/lib/server/action';

const refresh = () => revalidatePath('/query-library', 'layout');

export const createLibraryQueryAction = defineAction(createLibraryQueryInput, async (ctx, input) => {
  const created = await createLibraryQuery(ctx, input);
  refresh();
  return created;
});

export const updateLibraryQueryAction = defineAction(updateLibraryQueryInput, async (ctx, input) => {
  const { version } = await updateLibraryQuery(ctx, input);
  refresh();
  return { id: input.libraryQueryId, version };
});

export const deleteLibraryQueryAction = defineAction(deleteLibraryQueryInput, async (ctx, input) => {
  await deleteLibraryQuery(ctx, input);
  refresh();
});
