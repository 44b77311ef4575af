'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { createLibraryQueryInput, deleteLibraryQueryInput, updateLibraryQueryInput } from '@/lib/query-library/inputs';
import { createLibraryQuery, deleteLibraryQuery, updateLibraryQuery } from '@/lib/query-library/writes';
import { defineAction, type ActionResult } from '@/lib/server/action';

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

const deleteLibraryQueryRun = defineAction(deleteLibraryQueryInput, (ctx, input) => deleteLibraryQuery(ctx, input));

/** Deletes, then leaves the deleted query's page for the library (the redirect happens after the commit). */
export async function deleteLibraryQueryAction(prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await deleteLibraryQueryRun(prev, form);
  if (!result.ok) return result;
  refresh();
  redirect('/query-library');
}
