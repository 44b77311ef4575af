// SCIM /Users over Gatehouse's own users table: no second copy of identities. userName is
// coalesce(scim_user_name, email); the document the IdP sent is kept in scim_attributes and
// the columns we sign in and authorize with are derived from it on every write.
import { and, asc, count, eq, inArray, isNull, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { getAdhocDb, getDb, prepared, type DbOrTx } from '@/db';
import { scimDirectories, users, type User } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { sha256Hex } from '@/lib/crypto/tokens';
import { authorize, authorizeWithoutReads } from '@/lib/authz/authorize';
import type { MutationCtx } from '@/lib/server/mutation';
import { changeUser, insertNewUser, insertNewUserAtOnce, newUserRow } from '@/lib/users/writes';
import { ScimError } from './errors';
import { checkDirectoryToken, type DirectoryAuthentication } from './directories';
import { compileFilter, parseFilter, type FilterAttributes, type FilterNode } from './filter';
import { applyUserPatch, normalizeUserDoc, parsePatchBody, type ScimUserDoc } from './patch';
import {
  isUuid,
  listResponse,
  meta,
  mutate,
  mutationInit,
  notFound,
  project,
  totalOf,
  Unchanged,
  wants,
  type ListParams,
  type ScimCtx,
} from './resource';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './schemas';

const attr = (path: string) => sql`(${users.scimAttributes} #>> ${`{${path}}`})`;
const isMember = (cond: SQL) =>
  sql`exists (select 1 from group_members m join permission_groups g on g.id = m.group_id where m.user_id = ${users.id} and g.builtin is null and ${cond})`;

/** What a filter may name, and the SQL each name stands for. */
const FILTER_ATTRIBUTES: FilterAttributes = {
  id: { type: 'string', sql: sql`${users.id}::text`, caseExact: true },
  username: { type: 'string', sql: sql`coalesce(${users.scimUserName}, ${users.email})` },
  externalid: { type: 'string', sql: sql`${users.scimExternalId}`, caseExact: true },
  displayname: { type: 'string', sql: sql`coalesce(${attr('displayName')}, trim(${users.firstName} || ' ' || ${users.lastName}))` },
  'name.givenname': { type: 'string', sql: sql`${users.firstName}` },
  'name.familyname': { type: 'string', sql: sql`${users.lastName}` },
  'name.formatted': { type: 'string', sql: sql`coalesce(${attr('name,formatted')}, trim(${users.firstName} || ' ' || ${users.lastName}))` },
  emails: { type: 'string', sql: sql`${users.email}` },
  'emails.value': { type: 'string', sql: sql`${users.email}` },
  'emails.type': { type: 'string', sql: sql`'work'` },
  'emails.primary': { type: 'boolean', sql: sql`true` },
  title: { type: 'string', sql: attr('title') },
  usertype: { type: 'string', sql: attr('userType') },
  active: { type: 'boolean', sql: sql`(${users.disabledAt} is null)` },
  'meta.created': { type: 'dateTime', sql: sql`${users.createdAt}` },
  'meta.lastmodified': { type: 'dateTime', sql: sql`${users.updatedAt}` },
  groups: { type: 'string', sql: sql`m.group_id::text`, caseExact: true, wrap: isMember },
  'groups.value': { type: 'string', sql: sql`m.group_id::text`, caseExact: true, wrap: isMember },
  'groups.display': { type: 'string', sql: sql`g.name`, wrap: isMember },
  ...Object.fromEntries(
    ['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((a) => [
      `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:${a.toLowerCase()}`,
      { type: 'string' as const, sql: attr(`${ENTERPRISE_USER_SCHEMA},${a}`) },
    ]),
  ),
  [`${ENTERPRISE_USER_SCHEMA.toLowerCase()}:manager.value`]: {
    type: 'string',
    sql: attr(`${ENTERPRISE_USER_SCHEMA},manager,value`),
    caseExact: true,
  },
};

/** Users a directory can see: its organization's, minus those deleted through SCIM. */
const visible = (orgId: string) => and(eq(users.organizationId, orgId), isNull(users.scimDeletedAt));

type Membership = { userId: string; groupId: string; name: string };

/** The SCIM document of a user that was never provisioned: what our columns say. */
function synthesizedDoc(u: User): ScimUserDoc {
  return {
    userName: u.email,
    name: { givenName: u.firstName, familyName: u.lastName, formatted: `${u.firstName} ${u.lastName}`.trim() },
    displayName: `${u.firstName} ${u.lastName}`.trim(),
    emails: [{ value: u.email, type: 'work', primary: true }],
    active: u.disabledAt === null,
  };
}

function currentDoc(u: User): ScimUserDoc {
  return {
    ...(u.scimAttributes ?? synthesizedDoc(u)),
    userName: u.scimUserName ?? u.email,
    active: u.disabledAt === null,
    ...(u.scimExternalId ? { externalId: u.scimExternalId } : {}),
  };
}

export function toScimUser(ctx: ScimCtx, u: User, memberships: Membership[] | null): Record<string, unknown> {
  const doc = currentDoc(u);
  const { [ENTERPRISE_USER_SCHEMA]: enterprise, ...core } = doc;
  const location = `${ctx.baseUrl}/Users/${u.id}`;
  return {
    schemas: enterprise ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id: u.id,
    ...core,
    // Our columns are the truth for what we use; the document keeps the rest.
    name: { ...(core.name as object | undefined), givenName: u.firstName, familyName: u.lastName },
    active: u.disabledAt === null,
    ...(enterprise ? { [ENTERPRISE_USER_SCHEMA]: enterprise } : {}),
    ...(memberships
      ? {
          groups: memberships.map((m) => ({
            value: m.groupId,
            display: m.name,
            type: 'direct',
            $ref: `${ctx.baseUrl}/Groups/${m.groupId}`,
          })),
        }
      : {}),
    meta: meta('User', location, u.createdAt, u.updatedAt),
  };
}

/** Non-built-in groups of `users.id`, as JSON in the same query (one round trip per page). */
const groupsJson = sql<{ groupId: string; name: string }[]>`coalesce((
  select json_agg(json_build_object('groupId', g.id, 'name', g.name) order by g.name)
  from group_members m join permission_groups g on g.id = m.group_id
  where m.user_id = users.id and g.builtin is null), '[]'::json)`;

type Projection = Pick<ListParams, 'attributes' | 'excludedAttributes'>;

/**
 * Users matching `where`, with their groups when the response includes them. With a page: that
 * page in SCIM order (created, then id). Without one, `where` names at most one user (an id, a
 * userName), so the statement needs no ORDER BY.
 */
async function selectUsers(where: SQL | undefined, params: Projection, page: { offset: number; limit: number } | undefined, db: DbOrTx) {
  const withGroups = wants(params, 'groups');
  const query = db.select({ user: users, groups: withGroups ? groupsJson : sql<null>`null` }).from(users);
  let rows;
  if (page) {
    const order = [asc(users.createdAt), asc(users.id)];
    // The page is chosen by id first, so groups are gathered for its rows only, not for every row
    // sorted past on the way to a deep offset.
    const inPage = inArray(
      users.id,
      db
        .select({ id: users.id })
        .from(users)
        .where(where)
        .orderBy(...order)
        .offset(page.offset)
        .limit(page.limit),
    );
    rows = await query.where(inPage).orderBy(...order);
  } else {
    rows = await query.where(where);
  }
  return withMemberships(rows);
}

function withMemberships(rows: { user: User; groups: { groupId: string; name: string }[] | null }[]) {
  return rows.map((r) => ({ user: r.user, memberships: r.groups ? r.groups.map((g) => ({ userId: r.user.id, ...g })) : null }));
}

const userNameIs = (userName: Placeholder | string) =>
  sql`lower(coalesce(${users.scimUserName}, ${users.email})) = lower(${userName}::text)`;

// Built once per handle (db/index.ts `prepared`): run before every create, this is the hottest
// statement of a directory import. The directory's row comes with it, so the token check and the
// lookup cost one round trip together; users are joined only when the token hash matches.
const named = (withGroups: boolean) => (db: DbOrTx) =>
  db
    .select({ directory: scimDirectories, user: users, groups: withGroups ? groupsJson : sql<null>`null` })
    .from(scimDirectories)
    .leftJoin(
      users,
      and(
        eq(scimDirectories.tokenHash, sql.placeholder('tokenHash')),
        eq(users.organizationId, scimDirectories.organizationId),
        isNull(users.scimDeletedAt),
        userNameIs(sql.placeholder('userName')),
      ),
    )
    .where(eq(scimDirectories.id, sql.placeholder('directoryId')))
    .prepare(withGroups ? 'scim_directory_users_named_with_groups' : 'scim_directory_users_named');

export type NamedUsers = { userName: string; rows: { user: User; memberships: Membership[] | null }[] };

/**
 * Okta's and Entra's pre-create lookup (`userName eq "…"`, case-insensitive) with the token check
 * in the same statement: the directory `directoryId` names, checked against `bearer` as
 * authenticateDirectory checks it, and its organization's visible users of that userName (none
 * unless the token is the directory's). Run through getAdhocDb(), whose sessions plan it with its
 * values every time: a generic plan made while the organization was small walks all of its users
 * once it is large (decision 0023). There it is a named statement, one round trip.
 */
export async function authenticateAndFindUser(
  directoryId: string,
  bearer: string,
  userName: string,
  params: Projection,
  db: DbOrTx,
): Promise<DirectoryAuthentication & { named: NamedUsers }> {
  if (!isUuid(directoryId)) return { directory: null, exists: false, named: { userName, rows: [] } };
  const rows = await namedRows(directoryId, sha256Hex(bearer), userName, params, db);
  const auth = checkDirectoryToken(rows[0]?.directory, bearer);
  return { ...auth, named: { userName, rows: auth.directory ? usersOf(rows) : [] } };
}

function namedRows(directoryId: string, tokenHash: string, userName: string, params: Projection, db: DbOrTx) {
  const withGroups = wants(params, 'groups');
  return prepared(db, withGroups ? 'scimDirectoryUsersNamedWithGroups' : 'scimDirectoryUsersNamed', named(withGroups)).execute({
    directoryId,
    tokenHash,
    userName,
  });
}

const usersOf = (rows: { user: User | null; groups: { groupId: string; name: string }[] | null }[]) =>
  withMemberships(rows.filter((r): r is typeof r & { user: User } => r.user !== null));

/** The userName a list request looks up when it is the pre-create lookup (`userName eq` a string, first page); null otherwise, or when the filter does not parse (listing reports that). */
export function userNameLookup(params: ListParams): string | null {
  try {
    return params.filter ? lookedUp(parseFilter(params.filter), params) : null;
  } catch {
    return null;
  }
}

const lookedUp = (node: FilterNode, params: ListParams) =>
  node.op === 'eq' && node.attr === 'username' && typeof node.value === 'string' && params.startIndex === 1 && params.count > 0
    ? node.value
    : null;

function render(ctx: ScimCtx, rows: { user: User; memberships: Membership[] | null }[], params: Projection) {
  return rows.map((r) => project(toScimUser(ctx, r.user, r.memberships), params));
}

/** A list request; `named` is its pre-create lookup's answer when the handler fetched it with the token check. */
export async function listUsers(ctx: ScimCtx, params: ListParams, named?: NamedUsers) {
  const node = named ? undefined : params.filter ? parseFilter(params.filter) : undefined;
  const userName = named?.userName ?? (node ? lookedUp(node, params) : null);
  if (userName !== null) {
    // userName is unique in an organization: at most one user, so this first page holds them all.
    const rows = named?.rows ?? usersOf(await namedRows(ctx.directory.id, ctx.directory.tokenHash, userName, params, getAdhocDb()));
    return listResponse(render(ctx, rows, params), rows.length, params);
  }
  const filter = node ? compileFilter(node, FILTER_ATTRIBUTES) : undefined;
  const where = and(visible(ctx.orgId), filter);
  // The filter decides the statement's shape: planned with its values every time (getAdhocDb).
  const db = getAdhocDb();
  const rows = params.count === 0 ? [] : await selectUsers(where, params, { offset: params.startIndex - 1, limit: params.count }, db);
  const total = await totalOf(params, rows, async () => (await db.select({ n: count() }).from(users).where(where))[0]?.n ?? 0);
  return listResponse(render(ctx, rows, params), total, params);
}

async function findUser(ctx: ScimCtx, id: string, lock = false, db: DbOrTx): Promise<User> {
  if (!isUuid(id)) throw notFound('User', id);
  const q = db
    .select()
    .from(users)
    .where(and(visible(ctx.orgId), eq(users.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('User', id);
  return row;
}

export async function getUser(ctx: ScimCtx, id: string, params: Projection) {
  if (!isUuid(id)) throw notFound('User', id);
  const [row] = await selectUsers(and(visible(ctx.orgId), eq(users.id, id)), params, undefined, getDb());
  if (!row) throw notFound('User', id);
  return render(ctx, [row], params)[0]!;
}

const email = z.email();

/** The columns a SCIM document decides. */
function columnsOf(doc: ScimUserDoc) {
  const emails = Array.isArray(doc.emails) ? (doc.emails as { value?: unknown; type?: unknown; primary?: unknown }[]) : [];
  const chosen = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  const userName = String(doc.userName);
  const address = typeof chosen?.value === 'string' ? chosen.value.trim() : email.safeParse(userName).success ? userName : null;
  if (!address || !email.safeParse(address).success) {
    throw ScimError.badRequest(
      'invalidValue',
      'The user needs an email address: a primary emails value, or a userName that is an email address.',
    );
  }
  const name = (doc.name ?? {}) as { givenName?: unknown; familyName?: unknown };
  return {
    email: address,
    scimUserName: userName,
    scimExternalId: typeof doc.externalId === 'string' ? doc.externalId : null,
    firstName: typeof name.givenName === 'string' ? name.givenName.slice(0, 100) : '',
    lastName: typeof name.familyName === 'string' ? name.familyName.slice(0, 100) : '',
    active: doc.active !== false,
  };
}

/** What scim_attributes keeps: the document minus what lives in columns of its own. */
function storedAttributes(doc: ScimUserDoc): Record<string, unknown> {
  const { active: _active, userName: _userName, externalId: _externalId, ...rest } = doc;
  return rest;
}

function assertOwnedBy(ctx: ScimCtx, u: User) {
  if (u.scimDirectoryId && u.scimDirectoryId !== ctx.directory.id) {
    throw new ScimError(400, 'mutability', 'This user is provisioned by another SCIM directory of this organization.');
  }
}

/** Writes a new document over a user through the shared change (lib/users/writes.ts). Throws Unchanged when nothing changes. */
async function writeDoc(m: MutationCtx, ctx: ScimCtx, u: User, doc: ScimUserDoc, extra: { revive?: boolean } = {}): Promise<void> {
  await authorize(m, 'manage', { kind: 'org', area: 'users' });
  const { active, email, firstName, lastName, scimUserName, scimExternalId } = columnsOf(doc);
  const stored = storedAttributes(doc);
  const profile = { firstName, lastName, email, userName: scimUserName, externalId: scimExternalId };
  const before = {
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    userName: u.scimUserName ?? u.email,
    externalId: u.scimExternalId,
  };
  const changed = Object.keys({ ...(u.scimAttributes ?? {}), ...stored }).filter(
    (k) => JSON.stringify(u.scimAttributes?.[k]) !== JSON.stringify(stored[k]),
  );
  const profileChanged = JSON.stringify(before) !== JSON.stringify(profile);
  const linking = u.scimDirectoryId !== ctx.directory.id;
  const activeChanges = active !== (u.disabledAt === null);
  if (!profileChanged && changed.length === 0 && !linking && !activeChanges && !extra.revive) throw new Unchanged();
  await changeUser(m, u, {
    columns: { scimAttributes: stored, scimDirectoryId: ctx.directory.id, scimDeletedAt: null },
    active,
    // A revival that changes nothing else is still written down, as an update.
    ...(profileChanged || changed.length || linking || (extra.revive && !activeChanges) ? { profile, attributes: changed } : {}),
  });
}

export async function createUser(ctx: ScimCtx, body: unknown, params: Pick<ListParams, 'attributes' | 'excludedAttributes'>) {
  const doc = normalizeUserDoc(body);
  const { active, email, firstName, lastName, scimUserName, scimExternalId } = columnsOf(doc);
  const row = newUserRow(ctx.orgId, {
    email,
    firstName,
    lastName,
    disabled: !active,
    scim: { directoryId: ctx.directory.id, userName: scimUserName, externalId: scimExternalId, attributes: storedAttributes(doc) },
  });
  const answer = () => render(ctx, [{ user: row, memberships: wants(params, 'groups') ? [] : null }], params)[0]!;
  // The usual case, a userName and email nobody has, is one statement (decision 0025); a clash
  // inserts nothing there and takes the transaction below, which tells a revival from a 409.
  const init = mutationInit(ctx);
  if (authorizeWithoutReads(init.actor, { kind: 'org', area: 'users' })?.allowed && (await insertNewUserAtOnce(init, row))) return answer();
  const revived = await mutate(ctx, async (m): Promise<string | null> => {
    await authorize(m, 'manage', { kind: 'org', area: 'users' });
    if (await insertNewUser(m, row)) return null;
    const [existing] = await m.tx
      .select()
      .from(users)
      .where(and(eq(users.organizationId, ctx.orgId), userNameIs(scimUserName)))
      .for('update');
    if (existing && existing.scimDeletedAt && (existing.scimDirectoryId ?? ctx.directory.id) === ctx.directory.id) {
      // Deleted through SCIM earlier and provisioned again: the same person comes back, history intact.
      await writeDoc(m, ctx, existing, doc, { revive: true });
      return existing.id;
    }
    if (existing) throw new ScimError(409, 'uniqueness', `A user with userName "${scimUserName}" already exists.`);
    throw new ScimError(409, 'uniqueness', `Another user in this organization already has the email ${email}.`);
  });
  // A new user is in no group yet: answer from its row. A revived one is read back.
  return revived ? getUser(ctx, revived, params) : answer();
}

export async function replaceUser(ctx: ScimCtx, id: string, body: unknown, params: Pick<ListParams, 'attributes' | 'excludedAttributes'>) {
  const doc = normalizeUserDoc(body);
  await mutate(ctx, async (m) => {
    const u = await findUser(ctx, id, true, m.tx);
    assertOwnedBy(ctx, u);
    await writeDoc(m, ctx, u, { active: true, ...doc });
  });
  return getUser(ctx, id, params);
}

export async function patchUser(ctx: ScimCtx, id: string, body: unknown, params: Pick<ListParams, 'attributes' | 'excludedAttributes'>) {
  const ops = parsePatchBody(body);
  await mutate(ctx, async (m) => {
    const u = await findUser(ctx, id, true, m.tx);
    assertOwnedBy(ctx, u);
    await writeDoc(m, ctx, u, applyUserPatch(currentDoc(u), ops));
  });
  return getUser(ctx, id, params);
}

/** DELETE: disabled (sessions and tokens die) and gone from SCIM; history stays. */
export async function deleteUser(ctx: ScimCtx, id: string): Promise<void> {
  await mutate(ctx, async (m) => {
    await authorize(m, 'manage', { kind: 'org', area: 'users' });
    const u = await findUser(ctx, id, true, m.tx);
    assertOwnedBy(ctx, u);
    await changeUser(m, u, { active: false, columns: { scimDeletedAt: new Date(), scimDirectoryId: ctx.directory.id } });
    await record(m, { actionType: 'DELETE_USER', metadata: { targetUserId: u.id, email: u.email } }, { userId: u.id });
  });
}
