import { eq, sql } from 'drizzle-orm';
import { organizations, permissionGroups } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { signupOpen } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { insertDefaultEnvironments } from '@/lib/environments/writes';
import { BUILTIN_GROUPS } from '@/lib/groups/builtin';
import { isUniqueViolation, type MutationCtx } from '@/lib/server/mutation';
import { addToBuiltinGroup, insertUser } from '@/lib/users/writes';
import { countOrganizations } from './reads';
import type { CreateOrganizationInput } from './inputs';

export type OrganizationOrigin = 'setup' | 'signup' | 'cli';

// Serializes organization creation, so two first-run visitors cannot both "set up" Gatehouse.
const ORG_CREATE_LOCK = 727_401_002;
const SLUG_TAKEN = 'That URL is already taken. Choose another.';

/**
 * Creates an organization with its built-in groups and its first admin. `setup` works only while
 * no organization exists; `signup` only while GATEHOUSE_SIGNUP is open (or nothing exists yet).
 */
export async function createOrganization(ctx: MutationCtx, input: CreateOrganizationInput, via: OrganizationOrigin) {
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(${ORG_CREATE_LOCK})`);
  const existing = await countOrganizations(ctx.tx);
  if (via === 'setup' && existing > 0) {
    throw new AppError('conflict', 'Gatehouse is already set up. Sign in, or create another organization at /signup.');
  }
  if (via === 'signup' && existing > 0 && !signupOpen()) {
    throw new AppError('forbidden', 'Creating organizations is turned off on this Gatehouse. Ask an operator.');
  }
  const [taken] = await ctx.tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, input.slug));
  if (taken) throw AppError.field('slug', SLUG_TAKEN, 'conflict');

  let org: { id: string };
  try {
    [org] = (await ctx.tx.insert(organizations).values({ name: input.name, slug: input.slug }).returning({ id: organizations.id })) as [
      { id: string },
    ];
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('slug', SLUG_TAKEN, 'conflict');
    throw e;
  }
  await ctx.tx.insert(permissionGroups).values(BUILTIN_GROUPS.map((g) => ({ ...g, organizationId: org.id })));
  await insertDefaultEnvironments(org.id, ctx.tx);
  const admin = await insertUser(org.id, input, ctx.tx);
  await addToBuiltinGroup(org.id, admin.id, 'admin', ctx.tx);

  const subject = { organizationId: org.id, userId: admin.id };
  await record(ctx, { actionType: 'CREATE_ORGANIZATION', metadata: { name: input.name, slug: input.slug, via } }, subject);
  await record(ctx, { actionType: 'SIGN_UP', metadata: { email: input.email, via } }, subject);
  return { organizationId: org.id, slug: input.slug, userId: admin.id };
}
