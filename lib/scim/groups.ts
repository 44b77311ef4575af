// SCIM /Groups over permission groups. The built-in Admin and All Users groups are not offered
// (who administers Gatehouse is decided in Gatehouse); every other group can be linked by an IdP
// (found by displayName, then changed by id) or created by it. The link is the group's id, so a
// rename in the IdP renames the group and keeps its grants.
import { and, asc, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { getAdhocDb, getDb, type DbOrTx } from '@/db';
import { groupMembers, permissionGroups, users, type PermissionGroup } from '@/db/schema';
import { authorize } from '@/lib/authz/authorize';
import { groupName } from '@/lib/groups/inputs';
import { changeGroup, deleteGroupRow, deleteMembers, insertGroup, insertMembers } from '@/lib/groups/writes';
import type { MutationCtx } from '@/lib/server/mutation';
import { ScimError } from './errors';
import { compileFilter, parseFilter, type FilterAttributes } from './filter';
import { parsePatchBody, planGroupPatch } from './patch';
import {
  isUuid,
  listResponse,
  meta,
  mutate,
  notFound,
  project,
  totalOf,
  Unchanged,
  wants,
  type ListParams,
  type ScimCtx,
} from './resource';
import { GROUP_SCHEMA } from './schemas';

const hasMember = (cond: SQL) =>
  sql`exists (select 1 from group_members m join users u on u.id = m.user_id where m.group_id = ${permissionGroups.id} and u.scim_deleted_at is null and ${cond})`;

const FILTER_ATTRIBUTES: FilterAttributes = {
  id: { type: 'string', sql: sql`${permissionGroups.id}::text`, caseExact: true },
  displayname: { type: 'string', sql: sql`${permissionGroups.name}` },
  externalid: { type: 'string', sql: sql`${permissionGroups.scimExternalId}`, caseExact: true },
  members: { type: 'string', sql: sql`m.user_id::text`, caseExact: true, wrap: hasMember },
  'members.value': { type: 'string', sql: sql`m.user_id::text`, caseExact: true, wrap: hasMember },
  'members.display': { type: 'string', sql: sql`u.email`, wrap: hasMember },
  'meta.created': { type: 'dateTime', sql: sql`${permissionGroups.createdAt}` },
  'meta.lastmodified': { type: 'dateTime', sql: sql`${permissionGroups.updatedAt}` },
};

const visible = (orgId: string) => and(eq(permissionGroups.organizationId, orgId), isNull(permissionGroups.builtin));

type Member = { groupId: string; userId: string; email: string; firstName: string; lastName: string };

async function membersOf(groupIds: string[], db: DbOrTx): Promise<Member[]> {
  if (groupIds.length === 0) return [];
  return db
    .select({ groupId: groupMembers.groupId, userId: users.id, email: users.email, firstName: users.firstName, lastName: users.lastName })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(inArray(groupMembers.groupId, groupIds), isNull(users.scimDeletedAt)))
    .orderBy(asc(users.createdAt), asc(users.id));
}

function toScimGroup(ctx: ScimCtx, g: PermissionGroup, members: Member[] | null): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: g.id,
    ...(g.scimExternalId ? { externalId: g.scimExternalId } : {}),
    displayName: g.name,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.userId,
            display: `${m.firstName} ${m.lastName}`.trim() || m.email,
            type: 'User',
            $ref: `${ctx.baseUrl}/Users/${m.userId}`,
          })),
        }
      : {}),
    meta: meta('Group', `${ctx.baseUrl}/Groups/${g.id}`, g.createdAt, g.updatedAt),
  };
}

type Projection = Pick<ListParams, 'attributes' | 'excludedAttributes'>;

async function render(ctx: ScimCtx, rows: PermissionGroup[], params: Projection, db: DbOrTx) {
  // excludedAttributes=members (what Entra and Okta ask for on large groups) never reads a member.
  const members = wants(params, 'members')
    ? await membersOf(
        rows.map((g) => g.id),
        db,
      )
    : null;
  return rows.map((g) => project(toScimGroup(ctx, g, members ? members.filter((m) => m.groupId === g.id) : null), params));
}

export async function listGroups(ctx: ScimCtx, params: ListParams) {
  const filter = params.filter ? compileFilter(parseFilter(params.filter), FILTER_ATTRIBUTES) : undefined;
  const where = and(visible(ctx.orgId), filter);
  // The filter decides the statement's shape: planned with its values every time (getAdhocDb).
  const db = getAdhocDb();
  const rows =
    params.count === 0
      ? []
      : await db
          .select()
          .from(permissionGroups)
          .where(where)
          .orderBy(asc(permissionGroups.createdAt), asc(permissionGroups.id))
          .offset(params.startIndex - 1)
          .limit(params.count);
  const total = await totalOf(params, rows, async () => (await db.select({ n: count() }).from(permissionGroups).where(where))[0]?.n ?? 0);
  return listResponse(await render(ctx, rows, params, getDb()), total, params);
}

async function findGroup(ctx: ScimCtx, id: string, lock = false, db: DbOrTx): Promise<PermissionGroup> {
  if (!isUuid(id)) throw notFound('Group', id);
  const q = db
    .select()
    .from(permissionGroups)
    .where(and(visible(ctx.orgId), eq(permissionGroups.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Group', id);
  return row;
}

export async function getGroup(ctx: ScimCtx, id: string, params: Projection) {
  const db = getDb();
  return (await render(ctx, [await findGroup(ctx, id, false, db)], params, db))[0]!;
}

function assertOwnedBy(ctx: ScimCtx, g: PermissionGroup) {
  if (g.scimDirectoryId && g.scimDirectoryId !== ctx.directory.id) {
    throw new ScimError(400, 'mutability', 'This group is managed by another SCIM directory of this organization.');
  }
}

function validName(value: unknown): string {
  const parsed = groupName.safeParse(value);
  if (!parsed.success) throw ScimError.badRequest('invalidValue', `displayName: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

function validExternalId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 255)
    throw ScimError.badRequest('invalidValue', 'externalId must be a string of at most 255 characters.');
  return value;
}

function memberIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw ScimError.badRequest('invalidValue', 'members must be an array of {"value": "<user id>"}.');
  return value.map((m) => {
    const id = m && typeof m === 'object' ? (m as { value?: unknown }).value : undefined;
    if (typeof id !== 'string') throw ScimError.badRequest('invalidValue', 'Each member needs a "value" with a user id.');
    return id;
  });
}

async function replaceMembers(m: MutationCtx, g: PermissionGroup, ids: string[]): Promise<void> {
  const current = (await m.tx.select({ userId: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, g.id))).map(
    (r) => r.userId,
  );
  await deleteMembers(
    m,
    g,
    current.filter((id) => !ids.includes(id)),
  );
  await insertMembers(
    m,
    g,
    ids.filter((id) => !current.includes(id)),
  );
}

/** Renames and re-keys a group, and links it to this directory (UPDATE_GROUP); nothing when all is as it was. */
async function updateFields(
  m: MutationCtx,
  ctx: ScimCtx,
  g: PermissionGroup,
  fields: { name?: string; externalId?: string | null },
): Promise<PermissionGroup> {
  const name = fields.name ?? g.name;
  const scimExternalId = fields.externalId !== undefined ? fields.externalId : g.scimExternalId;
  if (name === g.name && scimExternalId === g.scimExternalId && g.scimDirectoryId === ctx.directory.id) return g;
  return changeGroup(m, g, { name, scimExternalId, scimDirectoryId: ctx.directory.id });
}

function body(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw ScimError.badRequest('invalidSyntax', 'Send a Group object.');
  // Attribute names are case-insensitive (RFC 7643 §2.1).
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

export async function createGroup(ctx: ScimCtx, input: unknown, params: Projection) {
  const b = body(input);
  const name = validName(b.displayname);
  const externalId = validExternalId(b.externalid);
  const ids = memberIds(b.members);
  const id = await mutate(ctx, async (m) => {
    await authorize(m, 'manage', { kind: 'org', area: 'groups' });
    const g = await insertGroup(m, ctx.orgId, { name, scimExternalId: externalId, scimDirectoryId: ctx.directory.id });
    await insertMembers(m, g, ids);
    return g.id;
  });
  return getGroup(ctx, id!, params);
}

export async function replaceGroup(ctx: ScimCtx, id: string, input: unknown, params: Projection) {
  const b = body(input);
  const name = validName(b.displayname);
  const externalId = validExternalId(b.externalid);
  const ids = memberIds(b.members);
  await mutate(ctx, async (m) => {
    await authorize(m, 'manage', { kind: 'org', area: 'groups' });
    const before = await findGroup(ctx, id, true, m.tx);
    assertOwnedBy(ctx, before);
    const g = await updateFields(m, ctx, before, { name, externalId });
    await replaceMembers(m, g, ids);
    if (m.auditCount === 0) throw new Unchanged();
  });
  return getGroup(ctx, id, params);
}

/** PATCH answers 204: re-reading a large group's members for every change is what IdPs don't need. */
export async function patchGroup(ctx: ScimCtx, id: string, input: unknown): Promise<void> {
  const plan = planGroupPatch(parsePatchBody(input));
  const name = plan.displayName !== undefined ? validName(plan.displayName) : undefined;
  const externalId = plan.externalId !== undefined ? validExternalId(plan.externalId) : undefined;
  await mutate(ctx, async (m) => {
    await authorize(m, 'manage', { kind: 'org', area: 'groups' });
    let g = await findGroup(ctx, id, true, m.tx);
    assertOwnedBy(ctx, g);
    g = await updateFields(m, ctx, g, { name, externalId });
    for (const step of plan.members) {
      if (step.op === 'add') await insertMembers(m, g, step.ids);
      else if (step.op === 'remove') await deleteMembers(m, g, step.ids);
      else if (step.op === 'replace') await replaceMembers(m, g, step.ids);
      else await deleteMembers(m, g, 'all');
    }
    if (m.auditCount === 0) throw new Unchanged();
  });
}

/** DELETE removes the permission group, its memberships and its grants (audited as DELETE_GROUP). */
export async function deleteGroup(ctx: ScimCtx, id: string): Promise<void> {
  await mutate(ctx, async (m) => {
    await authorize(m, 'manage', { kind: 'org', area: 'groups' });
    const g = await findGroup(ctx, id, true, m.tx);
    assertOwnedBy(ctx, g);
    await deleteGroupRow(m, g);
  });
}
