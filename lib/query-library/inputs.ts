// Query library inputs: one flat shape for the dashboard form, the API and tests. The query body
// is checked again with the app definition's own schema when saved (lib/query-library/writes.ts).
import { z } from 'zod';

const text = (max: number) => z.string().max(max, `Use at most ${max.toLocaleString('en')} characters.`);

const fields = {
  name: z.string().trim().min(1, 'Name the query.').max(100, 'Use at most 100 characters.'),
  description: text(1_000).trim().default(''),
  resourceId: z.uuid('Choose a resource.'),
  type: z.enum(['sql', 'rest'], 'Choose SQL or REST.'),
  sql: text(100_000).default(''),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], 'Choose an HTTP method.').default('GET'),
  path: text(20_000).default(''),
  /** One `name=value` per line (REST query parameters). */
  params: text(20_000).default(''),
  body: text(20_000).default(''),
  /** Parameter names separated by commas, spaces or new lines. */
  disableLoggingFor: z.union([z.string().max(5_000), z.array(z.string().max(200)).max(50)]).default(''),
};

export const createLibraryQueryInput = z.object(fields);
export type CreateLibraryQueryInput = z.infer<typeof createLibraryQueryInput>;
export const updateLibraryQueryInput = z.object({ libraryQueryId: z.uuid('Unknown query.'), ...fields });
export type UpdateLibraryQueryInput = z.infer<typeof updateLibraryQueryInput>;
export const deleteLibraryQueryInput = z.object({ libraryQueryId: z.uuid('Unknown query.') });
