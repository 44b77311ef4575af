import { count, eq, sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { auditSinks, invites, objects, organizations, ssoConnections, users, type OrganizationSettings } from '@/db/schema';

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

/** How far an organization is set up, for the first-run next steps on the home page. */
export type SetupProgress = { resources: number; apps: number; people: number; sso: boolean; streaming: boolean };

/** The counts behind the home page's next steps, in one round trip. */
export async function setupProgress(orgId: string, db: DbOrTx = getDb()): Promise<SetupProgress> {
  const [row] = await db
    .select({
      resources: sql<number>`(select count(*)::int from ${objects} where ${objects.organizationId} = ${orgId} and ${objects.kind} = 'resource')`,
      apps: sql<number>`(select count(*)::int from ${objects} where ${objects.organizationId} = ${orgId} and ${objects.kind} = 'app')`,
      people: sql<number>`(select count(*)::int from ${users} where ${users.organizationId} = ${orgId}) + (select count(*)::int from ${invites} where ${invites.organizationId} = ${orgId} and ${invites.acceptedAt} is null and ${invites.revokedAt} is null)`,
      sso: sql<boolean>`exists (select 1 from ${ssoConnections} where ${ssoConnections.organizationId} = ${orgId})`,
      streaming: sql<boolean>`exists (select 1 from ${auditSinks} where ${auditSinks.organizationId} = ${orgId})`,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  return row ?? { resources: 0, apps: 0, people: 0, sso: false, streaming: false };
}
