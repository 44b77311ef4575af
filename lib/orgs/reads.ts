import { count, eq } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { organizations, type OrganizationSettings } from '@/db/schema';

export type OrganizationSummary = { id: string; name: string; slug: string };

/** The organization a row belongs to, as sign-in pages name it; for selects joined to `organizations`. */
export const orgLabelColumns = { orgSlug: organizations.slug, orgName: organizations.name };

export async function findOrganizationBySlug(slug: string, db: DbOrTx = getDb()): Promise<OrganizationSummary | null> {
  const normalized = slug.trim().toLowerCase();
  if (!normalized || normalized.length > 40) return null;
  const [org] = await db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.slug, normalized));
  return org ?? null;
}

export async function countOrganizations(db: DbOrTx = getDb()): Promise<number> {
  const [row] = await db.select({ n: count() }).from(organizations);
  return row?.n ?? 0;
}

export async function listOrganizations(db: DbOrTx = getDb()): Promise<OrganizationSummary[]> {
  return db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
    .from(organizations)
    .orderBy(organizations.slug);
}

export async function getOrganizationSettings(orgId: string, db: DbOrTx = getDb()): Promise<OrganizationSettings> {
  const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
  return org?.settings ?? {};
}
