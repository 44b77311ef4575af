// Environments of an organization, production (the default) first.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { environments, type Environment } from '@/db/schema';
import { AppError } from '@/lib/errors';

export type EnvironmentSummary = Pick<Environment, 'id' | 'name' | 'color' | 'isDefault'>;

const columns = { id: environments.id, name: environments.name, color: environments.color, isDefault: environments.isDefault };

export async function listEnvironments(orgId: string, db: DbOrTx = getDb()): Promise<EnvironmentSummary[]> {
  return db
    .select(columns)
    .from(environments)
    .where(eq(environments.organizationId, orgId))
    .orderBy(desc(environments.isDefault), asc(sql`lower(${environments.name})`));
}

/** One environment by id or by name (case-insensitive); another organization's is not found. */
export async function findEnvironment(
  orgId: string,
  ref: { id: string } | { name: string },
  db: DbOrTx = getDb(),
): Promise<EnvironmentSummary> {
  const match =
    'id' in ref
      ? /^[0-9a-f-]{36}$/i.test(ref.id)
        ? eq(environments.id, ref.id)
        : sql`false`
      : eq(sql`lower(${environments.name})`, ref.name.toLowerCase());
  const [row] = await db
    .select(columns)
    .from(environments)
    .where(and(eq(environments.organizationId, orgId), match));
  if (!row) throw new AppError('not_found', 'id' in ref ? 'No such environment.' : `There is no environment named "${ref.name}".`);
  return row;
}
