import { and, eq, sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '@/db';
import { groupMembers, permissionGroups, users, type User } from '@/db/schema';
import { whereChained } from '@/lib/audit/link';
import { insertAudited, record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { activeAdminIds } from '@/lib/groups/writes';
import { revokeUserSessions } from '@/lib/sessions/writes';
import { revokeUserApiTokens } from '@/lib/api-tokens/writes';
import { hashPassword } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';
import { actorUserId, isUniqueViolation, orgOf, type Actor, type MutationCtx, type MutationInit } from '@/lib/server/mutation';
import type { CreateUserInput } from './inputs';
import { requireOrgUser } from './reads';

const PROVISIONED = 'This user is provisioned by SCIM: change their profile in your identity provider.';
const EMAIL_TAKEN = 'A user with that email already exists in this organization.';

/** What a new user is made of; ids and timestamps come from newUserRow. */
export type NewUser = {
  email: string;
  firstName: string;
  lastName: string;
  passwordHash?: string | null;
  disabled?: boolean;
  /** Set when a SCIM directory provisions the user: its link and the document it sent. */
  scim?: { directoryId: string; userName: string; externalId: string | null; attributes: Record<string, unknown> };
};

/**
 * A new user's whole row, made here rather than by the database so that a create in one statement
 * (decision 0025) knows the row, and so the event's snapshot of it, before the statement runs.
 */
export function newUserRow(orgId: string, v: NewUser): User {
  const now = new Date();
  return {
    id: randomUUID(),
    organizationId: orgId,
    email: v.email,
    firstName: v.firstName,
    lastName: v.lastName,
    passwordHash: v.passwordHash ?? null,
    disabledAt: v.disabled ? now : null,
    lastLoginAt: null,
    workspaceGroupId: null,
    lastActiveAt: null,
    scimDirectoryId: v.scim?.directoryId ?? null,
    scimUserName: v.scim?.userName ?? null,
    scimExternalId: v.scim?.externalId ?? null,
    scimAttributes: v.scim?.attributes ?? null,
    scimDeletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Inserts a user's row; null, inserting nothing, when the email or SCIM userName is taken in the organization (any letter case). */
async function insertRow(row: User, tx: Tx): Promise<User | null> {
  const [inserted] = await tx.insert(users).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

/** Inserts a password user (a new organization's first admin, an accepted invitation); a taken email is a field error. */
export async function insertUser(
  orgId: string,
  values: { email: string; firstName: string; lastName: string; password: string },
  tx: Tx,
): Promise<{ id: string }> {
  const passwordHash = await hashPassword(values.password);
  const user = await insertRow(newUserRow(orgId, { ...values, passwordHash }), tx);
  if (!user) throw AppError.field('email', EMAIL_TAKEN, 'conflict');
  return user;
}

/**
 * The user an event about `user` is filed under: a SCIM directory's changes under that user (the
 * user's lifecycle, as a SIEM query by user expects it); anyone else's under whoever acted (none
 * for the operator's CLI).
 */
function about(actor: Actor, user: { id: string } | User): { userId?: string; userRow?: User } {
  if (actor.kind !== 'scim') return {};
  return 'organizationId' in user ? { userRow: user } : { userId: user.id };
}

const createdEvent = (row: User, groups: string[]) =>
  ({ actionType: 'CREATE_USER', metadata: { targetUserId: row.id, email: row.email, groups } }) as const;

/**
 * The one create of a user, for every caller (the dashboard, the API, the CLI, SCIM): inserts the
 * row, adds an admin to the Admin group, and records CREATE_USER. The caller has authorized. Null,
 * with nothing changed, when the email or userName is taken: the caller says so, or (SCIM) revives a
 * user it deleted earlier.
 */
export async function insertNewUser(ctx: MutationCtx, row: User, options: { admin?: boolean } = {}): Promise<User | null> {
  const user = await insertRow(row, ctx.tx);
  if (!user) return null;
  const groups = options.admin ? [await addToBuiltinGroup(row.organizationId, row.id, 'admin', ctx.tx)] : [];
  await record(ctx, createdEvent(user, groups), about(ctx.actor, user));
  return user;
}

/**
 * insertNewUser as one statement outside a transaction (decision 0025), for callers whose
 * authorization needs no reads and who add no group. False when it inserted nothing (a clash, or an
 * organization whose chain has no head yet): the caller then makes the change with insertNewUser.
 */
export async function insertNewUserAtOnce(init: MutationInit, row: User): Promise<boolean> {
  return insertAudited(init, insertStatement(row), createdEvent(row, []), { userRow: row });
}

function insertStatement(r: User): SQL {
  const at = (d: Date | null) => d?.toISOString() ?? null;
  return sql`insert into ${users} (id, organization_id, email, first_name, last_name, password_hash, disabled_at, scim_directory_id, scim_user_name, scim_external_id, scim_attributes, created_at, updated_at)
    select ${r.id}::uuid, ${r.organizationId}::uuid, ${r.email}, ${r.firstName}, ${r.lastName}, ${r.passwordHash}, ${at(r.disabledAt)}::timestamptz, ${r.scimDirectoryId}::uuid,
           ${r.scimUserName}, ${r.scimExternalId}, ${r.scimAttributes === null ? null : JSON.stringify(r.scimAttributes)}::text::jsonb, ${at(r.createdAt)}::timestamptz, ${at(r.updatedAt)}::timestamptz
     where ${whereChained(r.organizationId)}
    on conflict do nothing
    returning 1`;
}

export async function addToBuiltinGroup(orgId: string, userId: string, builtin: 'admin', tx: Tx): Promise<string> {
  const [group] = await tx
    .select({ id: permissionGroups.id, name: permissionGroups.name })
    .from(permissionGroups)
    .where(and(eq(permissionGroups.organizationId, orgId), eq(permissionGroups.builtin, builtin)));
  if (!group) throw new Error(`Organization ${orgId} has no ${builtin} group.`);
  await tx.insert(groupMembers).values({ organizationId: orgId, groupId: group.id, userId });
  return group.name;
}

/** Creates a password user in the acting organization, optionally as an admin. */
export async function createUser(ctx: MutationCtx, input: CreateUserInput): Promise<{ id: string; email: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const passwordHash = await hashPassword(input.password);
  const user = await insertNewUser(ctx, newUserRow(orgId, { ...input, passwordHash }), { admin: input.admin });
  if (!user) throw AppError.field('email', EMAIL_TAKEN, 'conflict');
  return { id: user.id, email: input.email };
}

/**
 * Disables a user: they cannot sign in, and every session and API token dies in this same
 * transaction, so their very next request is refused. Admins only; never yourself or the last
 * active admin.
 */
export async function disableUser(ctx: MutationCtx, input: { userId: string }): Promise<Deactivated> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await requireOrgUser(orgId, input.userId, ctx.tx);
  if (actorUserId(ctx.actor) === user.id) throw new AppError('invalid_input', 'You cannot disable yourself.');
  if (user.disabledAt) throw new AppError('conflict', 'This user is already disabled.');
  return deactivateUser(ctx, user);
}

type Deactivated = { sessionsRevoked: number; tokensRevoked: number };

/**
 * The one way a user is switched off (changeUser, the admin page, the API, SCIM): disabled,
 * sessions and API tokens revoked, audited. The caller has authorized; the last active admin is
 * always kept.
 */
export async function deactivateUser(
  ctx: MutationCtx,
  user: { id: string; organizationId: string; email: string },
  changes: Partial<typeof users.$inferInsert> = {},
): Promise<Deactivated> {
  const orgId = user.organizationId;
  const admins = await activeAdminIds(orgId, ctx.tx);
  if (admins.length === 1 && admins[0] === user.id) {
    throw new AppError('invalid_input', 'This is the last active admin. Make someone else an admin first.');
  }
  await setColumns(ctx, user.id, { ...changes, disabledAt: new Date() });
  const sessionsRevoked = await revokeUserSessions(orgId, user.id, 'user_disabled', ctx.tx);
  const tokensRevoked = await revokeUserApiTokens(orgId, user.id, ctx.tx);
  await record(
    ctx,
    { actionType: 'DISABLE_USER', metadata: { targetUserId: user.id, email: user.email, sessionsRevoked, tokensRevoked } },
    about(ctx.actor, user),
  );
  return { sessionsRevoked, tokensRevoked };
}

export async function enableUser(ctx: MutationCtx, input: { userId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await requireOrgUser(orgId, input.userId, ctx.tx);
  if (!user.disabledAt) throw new AppError('conflict', 'This user is already active.');
  await changeUser(ctx, user, { active: true });
}

export const updateUserInput = z.object({
  userId: z.uuid('Unknown user.'),
  firstName: z.string().trim().min(1, 'Enter a first name.').max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
});

/** Changes a user's name (admins). */
export async function updateUserProfile(ctx: MutationCtx, input: z.infer<typeof updateUserInput>): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'users' });
  const user = await requireOrgUser(orgId, input.userId, ctx.tx);
  if (user.scimDirectoryId) throw new AppError('invalid_input', PROVISIONED);
  await changeUser(ctx, user, { profile: { firstName: input.firstName ?? user.firstName, lastName: input.lastName ?? user.lastName } });
}

/** The audited fields of a user; userName and externalId are what a SCIM directory calls them. */
export type Profile = { firstName: string; lastName: string; email: string; userName: string; externalId: string | null };

const profileOf = (u: User): Profile => ({
  firstName: u.firstName,
  lastName: u.lastName,
  email: u.email,
  userName: u.scimUserName ?? u.email,
  externalId: u.scimExternalId,
});

function profileColumns(p: Partial<Profile>): Partial<typeof users.$inferInsert> {
  return {
    ...(p.firstName !== undefined ? { firstName: p.firstName } : {}),
    ...(p.lastName !== undefined ? { lastName: p.lastName } : {}),
    ...(p.email !== undefined ? { email: p.email } : {}),
    ...(p.userName !== undefined ? { scimUserName: p.userName } : {}),
    ...(p.externalId !== undefined ? { scimExternalId: p.externalId } : {}),
  };
}

export type UserChange = {
  /** New values of audited fields (the name always): recorded as UPDATE_USER with each one's value before and after. */
  profile?: Pick<Profile, 'firstName' | 'lastName'> & Partial<Profile>;
  /** Names of other attributes that changed (a SCIM document's), listed in the same event. */
  attributes?: string[];
  /** Switches the user on (ENABLE_USER) or off (deactivateUser: sessions and tokens die). */
  active?: boolean;
  /** Columns that change without an event of their own (a SCIM directory's link and document). */
  columns?: Partial<Pick<typeof users.$inferInsert, 'scimAttributes' | 'scimDirectoryId' | 'scimDeletedAt'>>;
};

/**
 * The one update of an existing user, for every caller (the dashboard, the API, SCIM): sets the
 * columns, switches the user on or off, and records what changed. The caller has authorized and
 * decided that something is to change. A clash with another user's email or userName is a conflict.
 */
export async function changeUser(ctx: MutationCtx, user: User, change: UserChange): Promise<void> {
  const wasActive = user.disabledAt === null;
  const columns = { ...change.columns, ...profileColumns(change.profile ?? {}) };
  if (change.active === false && wasActive) await deactivateUser(ctx, user, columns);
  else await setColumns(ctx, user.id, change.active && !wasActive ? { ...columns, disabledAt: null } : columns);
  if (change.active && !wasActive) {
    await record(
      ctx,
      { actionType: 'ENABLE_USER', metadata: { targetUserId: user.id, email: columns.email ?? user.email } },
      about(ctx.actor, user),
    );
  }
  if (change.profile) {
    const before = profileOf(user);
    const keys = Object.keys(change.profile) as (keyof Profile)[];
    await record(
      ctx,
      {
        actionType: 'UPDATE_USER',
        metadata: {
          targetUserId: user.id,
          before: {
            ...(Object.fromEntries(keys.map((k) => [k, before[k]])) as Partial<Profile>),
            firstName: user.firstName,
            lastName: user.lastName,
          },
          after: change.profile,
          ...(change.attributes ? { attributes: change.attributes } : {}),
        },
      },
      about(ctx.actor, user),
    );
  }
}

async function setColumns(ctx: MutationCtx, userId: string, columns: Partial<typeof users.$inferInsert>): Promise<void> {
  try {
    await ctx.tx
      .update(users)
      .set({ ...columns, updatedAt: new Date() })
      .where(eq(users.id, userId));
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('conflict', 'Another user in this organization already has that email or userName.');
    throw e;
  }
}
