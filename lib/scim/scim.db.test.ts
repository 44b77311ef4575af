// SCIM as Okta and Microsoft Entra ID drive it: real Request objects through the same handler the
// route serves, against a real database. Request bodies follow the IdPs' documented sequences.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { getAdhocDb, getDb, queryRows, type Tx } from '@/db';
import { permissionGroups, users } from '@/db/schema';
import { authenticateApiToken } from '@/lib/api-tokens/reads';
import { verifyChain } from '@/lib/audit/chain';
import { createApiToken } from '@/lib/api-tokens/writes';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { addUsersToGroup, createGroup, updateGroup } from '@/lib/groups/writes';
import { disableUser } from '@/lib/users/writes';
import { runMutation } from '@/lib/server/mutation';
import { findActiveSession } from '@/lib/sessions/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest, type TestOrg } from '@/lib/test/helpers';
import {
  createDirectory,
  listScimRequests,
  logScimRequest,
  rotateDirectoryToken,
  setDirectoryPaused,
  SCIM_REQUEST_LOG_SIZE,
} from './directories';
import { handleScimRequest } from './handler';
import { authenticateAndFindUser } from './users';

type Dir = { id: string; token: string; org: TestOrg };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SCIM bodies are read field by field in assertions
type Reply = { status: number; body: any; headers: Headers };

async function makeDirectory(label: string, org?: TestOrg): Promise<Dir> {
  const o = org ?? (await makeOrg(label));
  const d = await runMutation(asUser(o.orgId, o.adminId), (ctx) => createDirectory(ctx, { name: `${label} ${Math.random()}` }));
  return { id: d.id, token: d.token, org: o };
}

async function scim(dir: Dir, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const url = `http://gatehouse.test/api/scim/v2/${dir.id}${path}`;
  const req = new Request(url, {
    method,
    headers: {
      host: 'gatehouse.test',
      authorization: `Bearer ${dir.token}`,
      ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const segments = new URL(url).pathname.split('/').slice(5).map(decodeURIComponent);
  const res = await handleScimRequest(req, dir.id, segments);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const q = (filter: string) => `?filter=${encodeURIComponent(filter)}`;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

function oktaUser(email: string, first = 'Ada', last = 'Lovelace') {
  return {
    schemas: [USER],
    userName: email,
    name: { givenName: first, familyName: last },
    emails: [{ primary: true, value: email, type: 'work' }],
    displayName: `${first} ${last}`,
    locale: 'en-US',
    externalId: `00u${Math.random().toString(36).slice(2, 10)}`,
    groups: [],
    password: 'ignored-by-gatehouse',
    active: true,
  };
}

describe('SCIM with Okta', () => {
  it('filters before creating, creates, reads, updates, deactivates and reactivates a user', async () => {
    const dir = await makeDirectory('okta');
    const email = `ada-${dir.id.slice(0, 6)}@example.test`;
    const lookup = await scim(dir, 'GET', `/Users${q(`userName eq "${email}"`)}&startIndex=1&count=100`);
    expect(lookup).toMatchObject({
      status: 200,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      },
    });
    expect(lookup.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');

    const created = await scim(dir, 'POST', '/Users', oktaUser(email));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`http://gatehouse.test/api/scim/v2/${dir.id}/Users/${id}`);
    expect(created.body).toMatchObject({
      schemas: [USER],
      userName: email,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: email, primary: true, type: 'work' }],
      active: true,
      groups: [],
      meta: {
        resourceType: 'User',
        location: `http://gatehouse.test/api/scim/v2/${dir.id}/Users/${id}`,
        created: expect.any(String),
        lastModified: expect.any(String),
        version: expect.any(String),
      },
    });
    expect(created.body).not.toHaveProperty('password');

    // userName is compared case-insensitively, as Okta expects.
    const found = await scim(dir, 'GET', `/Users${q(`userName eq "${email.toUpperCase()}"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    const replaced = await scim(dir, 'PUT', `/Users/${id}`, { ...oktaUser(email, 'Ada', 'King'), id });
    expect(replaced).toMatchObject({ status: 200, body: { name: { familyName: 'King' } } });
    const [row] = await getDb().select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({ email, firstName: 'Ada', lastName: 'King', scimDirectoryId: dir.id, passwordHash: null });

    const off = await scim(dir, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off).toMatchObject({ status: 200, body: { active: false } });
    const on = await scim(dir, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(on).toMatchObject({ status: 200, body: { active: true } });

    const events = (await auditRows(dir.org.orgId)).filter((e) => e.metadata.targetUserId === id);
    expect(events.map((e) => e.actionType)).toEqual(['CREATE_USER', 'UPDATE_USER', 'DISABLE_USER', 'ENABLE_USER']);
    for (const e of events) expect(e.metadata).toMatchObject({ actor: 'scim', directoryId: dir.id });
    expect(JSON.stringify(await auditRows(dir.org.orgId))).not.toContain(dir.token);
  });

  it('deactivating kills the user’s sessions and API tokens in the same change', async () => {
    const dir = await makeDirectory('okta-kill');
    const bob = await makeUser(dir.org.orgId, { label: 'bob', admin: true });
    const session = await signInWithPassword({ orgSlug: dir.org.slug, email: bob.email, password: bob.password }, testRequest());
    if (!session.ok) throw new Error('sign-in failed');
    const token = await runMutation(asUser(dir.org.orgId, bob.id), (ctx) =>
      createApiToken(ctx, { note: '', scopes: ['users:read'], expiresIn: undefined }),
    );

    // An existing password user is found by userName (their email) and linked on first change.
    const found = await scim(dir, 'GET', `/Users${q(`userName eq "${bob.email}"`)}`);
    expect(found.body.Resources).toHaveLength(1);
    const off = await scim(dir, 'PATCH', `/Users/${bob.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.status).toBe(200);
    expect(await findActiveSession(session.sessionId)).toBeNull();
    expect(await authenticateApiToken(token.token)).toBeNull();
    const disable = (await auditRows(dir.org.orgId)).find((e) => e.actionType === 'DISABLE_USER');
    expect(disable?.metadata).toMatchObject({ targetUserId: bob.id, sessionsRevoked: 1, tokensRevoked: 1, actor: 'scim' });
  });

  it('shares the dashboard’s user and group writes: the same rules refuse the same things, and the same events are written', async () => {
    const dir = await makeDirectory('shared-writes');
    const other = await makeOrg('shared-writes-other');
    const operator = { orgId: dir.org.orgId, actor: { kind: 'cli' } as const, request: testRequest() };
    const admin = asUser(dir.org.orgId, dir.org.adminId);
    const off = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] };

    // The last active admin stays, whoever tries: the operator through the shared disable, or a directory.
    const lastAdmin = await rejection(runMutation(operator, (ctx) => disableUser(ctx, { userId: dir.org.adminId })));
    expect(lastAdmin).toEqual({ code: 'invalid_input', message: 'This is the last active admin. Make someone else an admin first.' });
    for (const [method, body] of [
      ['PATCH', off],
      ['DELETE', undefined],
    ] as const) {
      const refused = await scim(dir, method, `/Users/${dir.org.adminId}`, body);
      expect(refused.body).toEqual({ schemas: [ERROR], status: '400', scimType: 'invalidValue', detail: lastAdmin.message });
    }

    // A group name is unique in any letter case, said in the same words on both paths.
    await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Support' }));
    const taken = await rejection(runMutation(admin, (ctx) => createGroup(ctx, { name: 'SUPPORT' })));
    expect(taken.code).toBe('conflict');
    const clash = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName: 'support' });
    expect(clash.body).toEqual({ schemas: [ERROR], status: '409', scimType: 'uniqueness', detail: taken.message });

    // Another organization's user is not a member on either path (404 on ours; 400 for an IdP, to
    // which a 404 would mean the group itself is gone).
    const ops = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Ops' });
    const support = (await getDb().select().from(permissionGroups).where(eq(permissionGroups.name, 'Support'))).find(
      (g) => g.organizationId === dir.org.orgId,
    )!;
    const foreign = await rejection(runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: support.id, userIds: [other.adminId] })));
    expect(foreign).toEqual({ code: 'not_found', message: `No user with id ${other.adminId} in this organization.` });
    const foreignByScim = await scim(dir, 'PATCH', `/Groups/${ops.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: other.adminId }] }],
    });
    expect(foreignByScim.body).toEqual({ schemas: [ERROR], status: '400', scimType: 'invalidValue', detail: foreign.message });

    // The same changes write the same events, differing only in who acted.
    const ann = await makeUser(dir.org.orgId, { label: 'ann' });
    const bob = await makeUser(dir.org.orgId, { label: 'bob' });
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: support.id, userIds: [ann.id] }));
    const added = await scim(dir, 'PATCH', `/Groups/${ops.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id }] }],
    });
    expect(added.status).toBe(204);
    await runMutation(admin, (ctx) => disableUser(ctx, { userId: ann.id }));
    expect((await scim(dir, 'PATCH', `/Users/${bob.id}`, off)).status).toBe(200);
    const events = await auditRows(dir.org.orgId);
    const shape = (type: string, byScim: boolean) => {
      const e = events.find((x) => x.actionType === type && (x.metadata.actor === 'scim') === byScim)!;
      return Object.keys(e.metadata)
        .filter((k) => k !== 'actor' && k !== 'directoryId') // who acted
        .sort();
    };
    for (const type of ['CREATE_GROUP', 'ADD_USERS_TO_GROUP', 'DISABLE_USER']) expect(shape(type, true), type).toEqual(shape(type, false));
    expect(events.filter((e) => e.actionType === 'DISABLE_USER').map((e) => e.metadata.targetUserId)).toEqual([ann.id, bob.id]);
  });

  it('pushes groups: create with members, add, remove, rename, read without members, delete', async () => {
    const dir = await makeDirectory('okta-groups');
    const a = (await scim(dir, 'POST', '/Users', oktaUser(`a-${dir.id.slice(0, 6)}@example.test`))).body.id;
    const b = (await scim(dir, 'POST', '/Users', oktaUser(`b-${dir.id.slice(0, 6)}@example.test`))).body.id;

    expect((await scim(dir, 'GET', `/Groups${q('displayName eq "Engineering"')}`)).body.totalResults).toBe(0);
    const created = await scim(dir, 'POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Engineering',
      members: [{ value: a, display: 'a' }],
    });
    expect(created).toMatchObject({ status: 201, body: { displayName: 'Engineering', members: [{ value: a, type: 'User' }] } });
    const gid = created.body.id;

    expect(
      (
        await scim(dir, 'PATCH', `/Groups/${gid}`, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: b, display: 'b' }] }],
        })
      ).status,
    ).toBe(204);
    expect((await scim(dir, 'GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
    expect(
      (await scim(dir, 'PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${a}"]` }] }))
        .status,
    ).toBe(204);
    expect(
      (
        await scim(dir, 'PATCH', `/Groups/${gid}`, {
          schemas: [PATCH],
          Operations: [{ op: 'replace', value: { id: gid, displayName: 'Platform' } }],
        })
      ).status,
    ).toBe(204);

    const read = await scim(dir, 'GET', `/Groups/${gid}?excludedAttributes=members`);
    expect(read.body).toMatchObject({ id: gid, displayName: 'Platform' });
    expect(read.body).not.toHaveProperty('members');
    expect((await scim(dir, 'GET', `/Groups${q(`members eq "${b}"`)}`)).body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
    expect((await scim(dir, 'GET', `/Users/${b}`)).body.groups).toEqual([
      { value: gid, display: 'Platform', type: 'direct', $ref: expect.stringContaining(`/Groups/${gid}`) },
    ]);

    // The group keeps its id through the rename, so grants given to it in Gatehouse still apply.
    const [group] = await getDb().select().from(permissionGroups).where(eq(permissionGroups.id, gid));
    expect(group).toMatchObject({ name: 'Platform', scimDirectoryId: dir.id });

    // Its name and members are the IdP's: Gatehouse's own UI paths refuse to change them.
    const admin = asUser(dir.org.orgId, dir.org.adminId);
    expect(await rejection(runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: gid, userIds: [a] })))).toMatchObject({
      message: expect.stringContaining('managed by SCIM'),
    });
    expect(
      await rejection(
        runMutation(admin, (ctx) =>
          updateGroup(ctx, { groupId: gid, name: 'Renamed', queryLibraryAccess: 'none', auditLogAccess: true, homepageAppId: null }),
        ),
      ),
    ).toMatchObject({ code: 'invalid_input' });
    await runMutation(admin, (ctx) =>
      updateGroup(ctx, { groupId: gid, name: 'Platform', queryLibraryAccess: 'view', auditLogAccess: true, homepageAppId: null }),
    );

    expect((await scim(dir, 'DELETE', `/Groups/${gid}`)).status).toBe(204);
    expect((await scim(dir, 'GET', `/Groups/${gid}`)).status).toBe(404);
    const types = (await auditRows(dir.org.orgId)).filter((e) => e.metadata.groupId === gid).map((e) => e.actionType);
    expect(types).toEqual([
      'CREATE_GROUP',
      'ADD_USERS_TO_GROUP',
      'ADD_USERS_TO_GROUP',
      'REMOVE_USERS_FROM_GROUP',
      'UPDATE_GROUP',
      'UPDATE_GROUP',
      'DELETE_GROUP',
    ]);
  });

  it('does not offer the built-in groups', async () => {
    const dir = await makeDirectory('okta-builtin');
    const all = await scim(dir, 'GET', '/Groups');
    expect(all.body.totalResults).toBe(0);
    expect((await scim(dir, 'GET', `/Groups${q('displayName eq "Admin"')}`)).body.totalResults).toBe(0);
  });
});

describe('SCIM with Microsoft Entra ID', () => {
  it('creates with the enterprise extension, matches on externalId, and patches with capitalised ops and string booleans', async () => {
    const dir = await makeDirectory('entra');
    const upn = `grace-${dir.id.slice(0, 6)}@contoso.test`;
    const externalId = `ext-${dir.id.slice(0, 8)}`;
    expect((await scim(dir, 'GET', `/Users${q(`externalId eq "${externalId}"`)}`)).body.totalResults).toBe(0);
    const created = await scim(dir, 'POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId,
      userName: upn,
      active: true,
      displayName: 'Grace Hopper',
      emails: [{ primary: true, type: 'work', value: upn }],
      name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
      title: 'Rear Admiral',
      [ENTERPRISE]: { employeeNumber: '1906', department: 'Navy' },
      roles: [],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      schemas: [USER, ENTERPRISE],
      externalId,
      title: 'Rear Admiral',
      [ENTERPRISE]: { employeeNumber: '1906', department: 'Navy' },
    });
    expect((await scim(dir, 'GET', `/Users${q(`externalId eq "${externalId}"`)}`)).body.Resources[0].id).toBe(id);
    expect((await scim(dir, 'GET', `/Users${q(`${ENTERPRISE}:department eq "navy"`)}`)).body.totalResults).toBe(1);

    const patched = await scim(dir, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'name.familyName', value: 'Murray Hopper' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Computing' },
        { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'mgr-1' },
        { op: 'Replace', path: 'active', value: 'False' },
      ],
    });
    expect(patched).toMatchObject({
      status: 200,
      body: {
        active: false,
        name: { familyName: 'Murray Hopper' },
        [ENTERPRISE]: { department: 'Computing', manager: { value: 'mgr-1' } },
      },
    });
    const reactivated = await scim(dir, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'active', value: 'True' },
        { op: 'Add', value: { 'name.givenName': 'Amazing Grace' } },
      ],
    });
    expect(reactivated).toMatchObject({ status: 200, body: { active: true, name: { givenName: 'Amazing Grace' } } });
    const [row] = await getDb().select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({ firstName: 'Amazing Grace', lastName: 'Murray Hopper', disabledAt: null });
  });

  it('finds groups by displayName, removes members given in value, and deletes users for good', async () => {
    const dir = await makeDirectory('entra-groups');
    const u1 = (await scim(dir, 'POST', '/Users', oktaUser(`e1-${dir.id.slice(0, 6)}@contoso.test`))).body.id;
    const u2 = (await scim(dir, 'POST', '/Users', oktaUser(`e2-${dir.id.slice(0, 6)}@contoso.test`))).body.id;
    const g = await scim(dir, 'POST', '/Groups', { schemas: [GROUP], externalId: 'grp-ext-1', displayName: 'Sales', members: [] });
    const gid = g.body.id;
    expect((await scim(dir, 'GET', `/Groups${q('displayName eq "sales"')}&excludedAttributes=members`)).body.Resources).toEqual([
      expect.objectContaining({ id: gid, externalId: 'grp-ext-1' }),
    ]);
    const ops = (op: string, value: unknown) => ({ schemas: [PATCH], Operations: [{ op, path: 'members', value }] });
    expect((await scim(dir, 'PATCH', `/Groups/${gid}`, ops('Add', [{ value: u1 }, { value: u2 }]))).status).toBe(204);
    expect((await scim(dir, 'PATCH', `/Groups/${gid}`, ops('Remove', [{ value: u1 }]))).status).toBe(204);
    expect((await scim(dir, 'GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value)).toEqual([u2]);
    expect(
      (
        await scim(dir, 'PATCH', `/Groups/${gid}`, {
          schemas: [PATCH],
          Operations: [{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }],
        })
      ).status,
    ).toBe(204);
    // Repeating a change is a no-op, not an error (IdPs retry).
    expect((await scim(dir, 'PATCH', `/Groups/${gid}`, ops('Add', [{ value: u2 }]))).status).toBe(204);

    expect((await scim(dir, 'DELETE', `/Users/${u2}`)).status).toBe(204);
    expect((await scim(dir, 'GET', `/Users/${u2}`)).status).toBe(404);
    expect((await scim(dir, 'GET', `/Groups/${gid}`)).body.members).toEqual([]);
    const [row] = await getDb().select().from(users).where(eq(users.id, u2));
    expect(row!.disabledAt).not.toBeNull();
    expect((await auditRows(dir.org.orgId)).filter((e) => e.metadata.targetUserId === u2).map((e) => e.actionType)).toEqual([
      'CREATE_USER',
      'DISABLE_USER',
      'DELETE_USER',
    ]);

    // Provisioned again later: the same person (same id, same history) comes back.
    const again = await scim(dir, 'POST', '/Users', oktaUser(row!.email));
    expect(again).toMatchObject({ status: 201, body: { id: u2, active: true } });
  });
});

describe('SCIM requests the server refuses', () => {
  it('answers with RFC 7644 errors', async () => {
    const dir = await makeDirectory('errors');
    const email = `dup-${dir.id.slice(0, 6)}@example.test`;
    expect((await scim(dir, 'POST', '/Users', oktaUser(email))).status).toBe(201);

    const cases: [Reply, number, string | undefined][] = [
      [await scim(dir, 'POST', '/Users', oktaUser(email.toUpperCase())), 409, 'uniqueness'],
      [await scim(dir, 'POST', '/Users', '{"userName": '), 400, 'invalidSyntax'],
      [await scim(dir, 'POST', '/Users', JSON.stringify(oktaUser('x@example.test')), { 'content-type': 'text/plain' }), 415, undefined],
      [await scim(dir, 'GET', `/Users${q('nickname eq "x"')}`), 400, 'invalidFilter'],
      [await scim(dir, 'GET', `/Users${q('userName eq')}`), 400, 'invalidFilter'],
      [await scim(dir, 'GET', `/Users${q('x'.repeat(1001))}`), 400, 'invalidFilter'],
      [await scim(dir, 'GET', '/Users?count=201'), 400, 'tooMany'],
      [await scim(dir, 'POST', '/Users', { schemas: [USER], name: { givenName: 'No' } }), 400, 'invalidValue'],
      [await scim(dir, 'POST', '/Users', { schemas: [USER], userName: 'not-an-email' }), 400, 'invalidValue'],
      [
        await scim(dir, 'PATCH', `/Users/${crypto.randomUUID()}`, {
          schemas: [PATCH],
          Operations: [{ op: 'replace', value: { active: false } }],
        }),
        404,
        undefined,
      ],
      [await scim(dir, 'GET', '/Users/not-a-uuid'), 404, undefined],
      [await scim(dir, 'GET', '/Nope'), 404, undefined],
      [await scim(dir, 'POST', '/Users', 'x'.repeat(1_000_001)), 413, undefined],
      // Text Postgres cannot store is refused by name, not a 500 from the insert.
      [
        await scim(dir, 'POST', '/Users', { ...oktaUser('nul@example.test'), name: { givenName: 'Ada\u0000', familyName: 'L' } }),
        400,
        'invalidValue',
      ],
      [await scim(dir, 'POST', '/Users', { ...oktaUser('surrogate@example.test'), title: 'Lead \ud800' }), 400, 'invalidValue'],
      [await scim(dir, 'GET', `/Users${q('userName eq "a\\u0000b"')}`), 400, 'invalidFilter'],
    ];
    expect(cases.at(-3)![0].body.detail).toBe(
      'name.givenName contains a NUL character or a broken (unpaired surrogate) character, which cannot be stored.',
    );
    expect(cases.at(-2)![0].body.detail).toMatch(/^title contains/);
    for (const [reply, status, scimType] of cases) {
      expect(reply.status).toBe(status);
      expect(reply.body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
      expect(reply.body.scimType).toBe(scimType);
    }
  });

  it('refuses PATCH paths outside the schema, more than 100 operations, and prototype keys', async () => {
    const dir = await makeDirectory('patch-errors');
    const id = (await scim(dir, 'POST', '/Users', oktaUser(`p-${dir.id.slice(0, 6)}@example.test`))).body.id;
    const patch = (Operations: unknown[]) => scim(dir, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations });
    expect((await patch([{ op: 'replace', path: 'favouriteColour', value: 'blue' }])).body).toMatchObject({
      status: '400',
      scimType: expect.stringMatching(/noTarget|invalidPath/),
    });
    expect((await patch([{ op: 'replace', path: '__proto__.polluted', value: true }])).status).toBe(400);
    expect(
      (
        await scim(
          dir,
          'PATCH',
          `/Users/${id}`,
          `{"schemas":["${PATCH}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}`,
        )
      ).status,
    ).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await patch(Array.from({ length: 101 }, () => ({ op: 'replace', path: 'title', value: 'x' })))).body).toMatchObject({
      status: '400',
      scimType: 'tooMany',
    });
    expect((await patch([{ op: 'jump', path: 'title', value: 'x' }])).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('checks the token, rotates it, pauses with 503, and logs every request', async () => {
    const dir = await makeDirectory('auth');
    const admin = asUser(dir.org.orgId, dir.org.adminId);
    expect((await scim({ ...dir, token: '' }, 'GET', '/Users')).status).toBe(401);
    const wrong = await scim({ ...dir, token: 'ghs_wrong' }, 'GET', '/Users');
    expect(wrong).toMatchObject({ status: 401, body: { schemas: [ERROR], status: '401' } });
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');

    const { token } = await runMutation(admin, (ctx) => rotateDirectoryToken(ctx, { directoryId: dir.id }));
    expect((await scim(dir, 'GET', '/Users')).status).toBe(401);
    const fresh = { ...dir, token };
    expect((await scim(fresh, 'GET', '/Users')).status).toBe(200);

    await runMutation(admin, (ctx) => setDirectoryPaused(ctx, { directoryId: dir.id, paused: true }));
    const paused = await scim(fresh, 'GET', '/Users');
    expect(paused.status).toBe(503);
    expect(paused.headers.get('retry-after')).toBe('60');
    await runMutation(admin, (ctx) => setDirectoryPaused(ctx, { directoryId: dir.id, paused: false }));
    expect((await scim(fresh, 'GET', '/ServiceProviderConfig')).body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
    });

    const log = await listScimRequests(dir.id);
    expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/ServiceProviderConfig', 200],
      ['GET', '/Users', 503],
      ['GET', '/Users', 200],
      ['GET', '/Users', 401],
      ['GET', '/Users', 401],
      ['GET', '/Users', 401],
    ]);
    expect(log[1]!.error).toContain('paused');
  });

  it('checks the token of the lookup before every create, which comes with it in one statement', async () => {
    const dir = await makeDirectory('lookup-auth');
    const other = await makeDirectory('lookup-auth-other');
    const admin = asUser(dir.org.orgId, dir.org.adminId);
    const userName = `ada-${dir.id.slice(0, 8)}@example.test`;
    const id = (await scim(dir, 'POST', '/Users', oktaUser(userName))).body.id;
    // The same userName in another organization is not this directory's.
    await scim(other, 'POST', '/Users', oktaUser(userName));
    const lookup = `/Users${q(`userName eq "${userName.toUpperCase()}"`)}`;
    const found = await scim(dir, 'GET', lookup);
    expect(found.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id, userName }] });
    expect(found.body.Resources[0].groups).toEqual([]);
    expect((await scim(dir, 'GET', `${lookup}&excludedAttributes=groups`)).body.Resources[0]).not.toHaveProperty('groups');

    for (const wrong of [
      { ...dir, token: '' },
      { ...dir, token: 'ghs_wrong' },
      { ...dir, token: other.token },
      { ...dir, id: randomUUID() },
      { ...dir, id: 'not-a-uuid' },
    ]) {
      const reply = await scim(wrong, 'GET', lookup);
      expect(reply).toMatchObject({ status: 401, body: { status: '401' } });
      expect(JSON.stringify(reply.body)).not.toContain(id);
    }
    // Parameters listing refuses are refused only once the token is known good.
    expect((await scim({ ...dir, token: 'ghs_wrong' }, 'GET', `${lookup}&count=500`)).status).toBe(401);
    expect((await scim(dir, 'GET', `${lookup}&count=500`)).body).toMatchObject({ status: '400', scimType: 'tooMany' });
    expect((await scim(dir, 'GET', `${lookup}&count=0`)).body).toMatchObject({ totalResults: 1, Resources: [] });

    const { token } = await runMutation(admin, (ctx) => rotateDirectoryToken(ctx, { directoryId: dir.id }));
    expect((await scim(dir, 'GET', lookup)).status).toBe(401);
    const fresh = { ...dir, token };
    expect((await scim(fresh, 'GET', lookup)).body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    await runMutation(admin, (ctx) => setDirectoryPaused(ctx, { directoryId: dir.id, paused: true }));
    expect((await scim(fresh, 'GET', lookup)).status).toBe(503);
    const log = await listScimRequests(dir.id);
    expect(log.slice(0, 3).map((r) => r.status)).toEqual([503, 200, 401]);
  });

  it('keeps the newest 1,000 requests per directory', async () => {
    const dir = await makeDirectory('log');
    const other = await makeDirectory('log-other');
    for (let i = 0; i < SCIM_REQUEST_LOG_SIZE + 60; i++) {
      await logScimRequest(i % 2 ? dir.id : other.id, {
        method: 'GET',
        path: `/Users?n=${i}`,
        status: 200,
        error: null,
        durationMs: 1,
        requestId: null,
      });
      await logScimRequest(dir.id, { method: 'GET', path: `/Users?m=${i}`, status: 200, error: null, durationMs: 1, requestId: null });
    }
    const log = await listScimRequests(dir.id);
    expect(log.length).toBeGreaterThanOrEqual(SCIM_REQUEST_LOG_SIZE);
    expect(log.length).toBeLessThan(SCIM_REQUEST_LOG_SIZE + 100);
    expect(log[0]!.path).toBe(`/Users?m=${SCIM_REQUEST_LOG_SIZE + 59}`);
    expect((await listScimRequests(other.id)).length).toBeGreaterThan(500);
  });
  it('loses no log entry to one request with a NUL byte in its path, nor to an entry that cannot be stored', async () => {
    const dir = await makeDirectory('log-nul');
    const other = await makeDirectory('log-nul-other');
    // Concurrent, so all three land in one batched insert.
    const replies = await Promise.all([
      scim(dir, 'GET', '/Users?n=before'),
      scim(dir, 'GET', '/Users/a%00b?attributes=%00'),
      scim(other, 'GET', '/Users?n=other'),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 404, 200]);
    const paths = (await listScimRequests(dir.id)).map((r) => r.path).sort();
    expect(paths).toEqual(['/Users/a%00b?attributes=%00', '/Users?n=before']);
    expect((await listScimRequests(other.id)).map((r) => r.path)).toEqual(['/Users?n=other']);

    // An entry the database refuses whatever its text (its directory is gone) costs no other.
    const entry = { method: 'GET', status: 200, error: null, durationMs: 1, requestId: null };
    logScimRequest(dir.id, { ...entry, path: '/Users?n=1', error: 'broken \ud800 and \u0000 text' });
    logScimRequest(randomUUID(), { ...entry, path: '/Users?n=gone' });
    logScimRequest(other.id, { ...entry, path: '/Users?n=2' });
    const log = await listScimRequests(dir.id);
    expect(log[0]).toMatchObject({ path: '/Users?n=1', error: 'broken \ufffd and \ufffd text' });
    expect((await listScimRequests(other.id))[0]!.path).toBe('/Users?n=2');
  });
});

describe('SCIM lists', () => {
  it('pages with startIndex and count, projects attributes, and supports rich filters', async () => {
    const dir = await makeDirectory('paging');
    const tag = dir.id.slice(0, 6);
    for (let i = 0; i < 7; i++)
      await scim(dir, 'POST', '/Users', oktaUser(`u${i}-${tag}@example.test`, `First${i}`, i % 2 ? 'Odd' : 'Even'));
    const page = await scim(dir, 'GET', '/Users?startIndex=3&count=2&attributes=userName,name.givenName');
    expect(page.body).toMatchObject({ totalResults: 8, startIndex: 3, itemsPerPage: 2 });
    expect(Object.keys(page.body.Resources[0]).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    expect(Object.keys(page.body.Resources[0].name)).toEqual(['givenName']);
    expect((await scim(dir, 'GET', '/Users?count=0')).body).toMatchObject({ totalResults: 8, Resources: [] });
    expect((await scim(dir, 'GET', '/Users?startIndex=100')).body).toMatchObject({ totalResults: 8, itemsPerPage: 0 });

    const filtered = await scim(
      dir,
      'GET',
      `/Users${q(`(name.familyName eq "odd" or userName sw "u0-") and not (emails.value co "u5") and active eq true`)}`,
    );
    expect(filtered.body.Resources.map((r: { userName: string }) => r.userName.split('-')[0]).sort()).toEqual(['u0', 'u1', 'u3']);
    expect(
      (await scim(dir, 'GET', `/Users${q('meta.created gt "2000-01-01T00:00:00Z" and userName ew "@example.test"')}`)).body.totalResults,
    ).toBe(7);
    expect((await scim(dir, 'GET', `/Users${q(`emails[type eq "work" and value sw "u2-"]`)}`)).body.totalResults).toBe(1);

    const search = await scim(dir, 'POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'name.familyName eq "Even"',
      count: 2,
      attributes: ['userName'],
    });
    expect(search.body).toMatchObject({ totalResults: 4, itemsPerPage: 2 });
  });

  it('serves the discovery endpoints', async () => {
    const dir = await makeDirectory('discovery');
    const types = await scim(dir, 'GET', '/ResourceTypes');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const schemas = await scim(dir, 'GET', '/Schemas');
    expect(schemas.body.Resources.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([USER, GROUP, ENTERPRISE]));
    expect((await scim(dir, 'GET', `/Schemas/${USER}`)).body.attributes.map((a: { name: string }) => a.name)).toContain('userName');
    expect((await scim(dir, 'POST', '/Schemas', {})).status).toBe(405);
  });
});

describe.skipIf(!inject('databaseUrl'))('SCIM lookups on Postgres', () => {
  // A directory's first import grows the users table from a handful of rows to thousands within
  // a minute, faster than autovacuum analyzes it. A named statement's generic plan made at the
  // start then walks the organization's whole index for every lookup (decision 0023); the
  // lookup as SCIM runs it (getAdhocDb) is named but planned with its values every time.
  it('find a user by userName through the unique index after the table has grown', async () => {
    const dir = await makeDirectory('plans');
    const org = dir.org;
    const everything = { attributes: [], excludedAttributes: [] };
    const { fetched, plans } = await getAdhocDb().transaction(async (tx: Tx) => {
      const lookUp = () => authenticateAndFindUser(dir.id, dir.token, `nobody-${randomUUID()}@plans.test`, everything, tx);
      // Past the five runs after which Postgres may settle on a generic plan.
      for (let i = 0; i < 6; i++) await lookUp();
      await tx.execute(sql`insert into users (organization_id, email, first_name, last_name)
        select ${org.orgId}, 'bulk' || i || '@plans.test', 'Bulk', 'User' || i from generate_series(1, 3000) i`);
      const tuples = async () =>
        (
          await queryRows<{ n: number }>(
            tx,
            sql`select coalesce(idx_tup_fetch, 0)::int as n from pg_stat_xact_user_tables where relname = 'users'`,
          )
        )[0]!.n;
      const before = await tuples();
      expect((await authenticateAndFindUser(dir.id, dir.token, 'BULK2999@plans.test', everything, tx)).named.rows).toHaveLength(1);
      await lookUp();
      const fetched = (await tuples()) - before;
      const plans = await queryRows<{ generic_plans: number; custom_plans: number }>(
        tx,
        sql`select generic_plans::int, custom_plans::int from pg_prepared_statements where statement like '%from "scim_directories" left join "users"%lower(coalesce("users"."scim_user_name", "users"."email")) = lower($2::text)%'`,
      );
      return { fetched, plans };
    });
    expect(fetched).toBeLessThan(10);
    // A named statement (one round trip a lookup; with and without groups, the connection may
    // hold both), never planned generically.
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.every((p) => p.generic_plans === 0)).toBe(true);
    expect(Math.max(...plans.map((p) => p.custom_plans))).toBeGreaterThanOrEqual(8);
  });
});

describe('SCIM isolation', () => {
  it('never shows or touches another organization’s users and groups', async () => {
    const a = await makeDirectory('iso-a');
    const b = await makeDirectory('iso-b');
    const ua = (await scim(a, 'POST', '/Users', oktaUser(`shared-${a.id.slice(0, 6)}@example.test`))).body.id;
    const ga = (await scim(a, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Mine' })).body.id;
    expect((await scim(b, 'GET', `/Users/${ua}`)).status).toBe(404);
    expect((await scim(b, 'GET', `/Groups/${ga}`)).status).toBe(404);
    expect((await scim(b, 'DELETE', `/Users/${ua}`)).status).toBe(404);
    expect(
      (await scim(b, 'PATCH', `/Groups/${ga}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: ua }] }] }))
        .status,
    ).toBe(404);
    const bGroup = (await scim(b, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Theirs' })).body.id;
    // Another organization's user id is not a member candidate.
    expect(
      (
        await scim(b, 'PATCH', `/Groups/${bGroup}`, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: ua }] }],
        })
      ).body,
    ).toMatchObject({ status: '400', scimType: 'invalidValue' });
    // A token only opens its own directory.
    expect((await scim({ ...b, id: a.id }, 'GET', '/Users')).status).toBe(401);
  });

  it('two organizations × 200 concurrent creates: no cross-talk', async () => {
    const a = await makeDirectory('burst-a');
    const b = await makeDirectory('burst-b');
    const create = (dir: Dir, i: number) => scim(dir, 'POST', '/Users', oktaUser(`n${i}-${dir.id.slice(0, 8)}@example.test`));
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => [create(a, i), create(b, i)]).flat());
    expect(results.every((r) => r.status === 201)).toBe(true);
    for (const dir of [a, b]) {
      const seen: string[] = [];
      for (let start = 1; start <= 201; start += 100) {
        const page = await scim(dir, 'GET', `/Users?startIndex=${start}&count=100&attributes=userName`);
        expect(page.body.totalResults).toBe(201);
        seen.push(...page.body.Resources.map((r: { userName: string }) => r.userName));
      }
      expect(new Set(seen).size).toBe(201);
      expect(seen.filter((u) => u !== dir.org.email).every((u) => u.endsWith(`-${dir.id.slice(0, 8)}@example.test`))).toBe(true);
      // Each create is one statement with its event (decision 0025): 200 events, one per user, on a chain that verifies.
      const created = (await auditRows(dir.org.orgId)).filter((e) => e.actionType === 'CREATE_USER');
      expect(created).toHaveLength(200);
      const mine = await getDb()
        .select({ id: users.id, email: users.email, createdAt: users.createdAt })
        .from(users)
        .where(eq(users.scimDirectoryId, dir.id));
      expect(new Set(created.map((e) => e.metadata.targetUserId))).toEqual(new Set(mine.map((u) => u.id)));
      for (const e of created) {
        const u = mine.find((m) => m.id === e.userId)!;
        expect(e.metadata).toMatchObject({ actor: 'scim', directoryId: dir.id, email: u.email });
        expect(e.user).toMatchObject({ id: u.id, email: u.email, enabled: true, createdAt: u.createdAt.toISOString() });
      }
      expect(await verifyChain(dir.org.orgId)).toMatchObject({ ok: true });
      // They took the one-statement path, not the transaction it falls back to: their created_at is
      // the server's millisecond clock, where the column's default now() would carry microseconds.
      const [{ precise }] = (await queryRows<{ precise: number }>(
        getDb(),
        sql`select count(*)::int as precise from ${users} where ${users.scimDirectoryId} = ${dir.id} and ${users.createdAt} <> date_trunc('milliseconds', ${users.createdAt})`,
      )) as [{ precise: number }];
      expect(precise).toBe(0);
    }
  });
});
