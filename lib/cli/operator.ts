// What every CLI command acts with: the operator's mutation context (decision 0007), its input
// validation, and the lookups from the names an operator types (slug, email, group name) to rows.
import { z } from 'zod';
import { migrate } from '@/db/migrate';
import { AppError, type FieldErrors } from '@/lib/errors';
import { listGroups, type GroupSummary } from '@/lib/groups/reads';
import { findOrganizationBySlug, type OrganizationSummary as Org } from '@/lib/orgs/reads';
import type { MutationInit } from '@/lib/server/mutation';
import { findUserIdByEmail, getUser } from '@/lib/users/reads';

export function cliInit(orgId: string | null): MutationInit {
  return {
    orgId,
    actor: { kind: 'cli' },
    request: { requestId: `cli-${crypto.randomUUID()}`, ipAddress: null, userAgent: 'gatehouse-cli' },
  };
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError('invalid_input', 'Invalid options.', { fieldErrors: z.flattenError(r.error).fieldErrors as FieldErrors });
  }
  return r.data;
}

/** The organization an operator names by slug; migrates first, as every command that opens the database does. */
export async function orgBySlug(slug: string | undefined): Promise<Org> {
  if (!slug) throw AppError.field('org', 'Name the organization by its slug.');
  await migrate();
  const org = await findOrganizationBySlug(slug);
  if (!org) throw new AppError('not_found', `No organization with slug "${slug}".`);
  return org;
}

/** The organization's user with this email (any letter case); a not-found error on `flag` otherwise. */
export async function userByEmail(org: Org, email: string, flag = 'email'): Promise<{ id: string; email: string }> {
  if (!email) throw AppError.field(flag, 'Name the user by email.');
  const id = await findUserIdByEmail(org.id, email);
  if (!id) throw AppError.field(flag, `No user with email ${email} in ${org.slug}.`, 'not_found');
  return { id, email };
}

/** The organization's user named by email (any letter case) or by id; a not-found error on `flag` otherwise. */
export async function userByEmailOrId(org: Org, value: string, flag = 'user'): Promise<{ id: string; email: string }> {
  if (!z.uuid().safeParse(value.trim()).success) return userByEmail(org, value, flag);
  const user = await getUser(org.id, value.trim());
  if (!user) throw AppError.field(flag, `No user with id ${value.trim()} in ${org.slug}.`, 'not_found');
  return { id: user.id, email: user.email };
}

/** The organization's group with this name (any letter case, as names are unique). */
export async function groupByName(org: Org, name: string): Promise<GroupSummary> {
  const groups = await listGroups(org.id);
  const group = groups.find((g) => g.name.toLowerCase() === name.trim().toLowerCase());
  if (!group) {
    const names = groups.map((g) => g.name);
    const hint = names.length <= 20 ? ` Its groups: ${names.join(', ')}.` : '';
    throw AppError.field('group', `No group named "${name}" in ${org.slug}.${hint}`, 'not_found');
  }
  return group;
}

export function cliOrigin(): string {
  return process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).origin : `http://localhost:${process.env.PORT ?? 3000}`;
}

export const defaultFirstName = (email: string | undefined) => (email ?? '').split('@')[0] ?? '';
