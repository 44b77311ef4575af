import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { applyUserPatch, normalizeUserDoc, parsePatchBody, planGroupPatch, type ScimUserDoc } from './patch';
import { ENTERPRISE_USER_SCHEMA as ENT, PATCH_OP_SCHEMA, USER_SCHEMA } from './schemas';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const patchUser = (doc: ScimUserDoc, ...ops: unknown[]) => applyUserPatch(doc, parsePatchBody(patch(...ops)));
const planGroup = (...ops: unknown[]) => planGroupPatch(parsePatchBody(patch(...ops)));

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const barbara = (): ScimUserDoc => ({
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Barbara Jensen',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  [ENT]: { employeeNumber: '701984', manager: { value: 'mgr-1' } },
});

describe('parsePatchBody', () => {
  it('reads operations, lower-casing op and parsing paths', () => {
    expect(parsePatchBody(patch({ op: 'Replace', path: 'name.givenName', value: 'B' }, { op: 'REMOVE', path: 'title' }))).toEqual([
      { op: 'replace', path: { text: 'name.givenName', attr: 'name', filter: null, subAttr: 'givenname' }, value: 'B' },
      { op: 'remove', path: { text: 'title', attr: 'title', filter: null, subAttr: null }, value: undefined },
    ]);
    expect(parsePatchBody({ schemas: [PATCH_OP_SCHEMA.toLowerCase()], operations: [{ op: 'add', value: { title: 'x' } }] })).toEqual([
      { op: 'add', path: null, value: { title: 'x' } },
    ]);
  });

  it('accepts 100 operations and refuses 101 with tooMany', () => {
    const op = { op: 'replace', path: 'title', value: 'x' };
    expect(parsePatchBody(patch(...Array(100).fill(op)))).toHaveLength(100);
    const err = scimError(() => parsePatchBody(patch(...Array(101).fill(op))));
    expect([err.status, err.scimType]).toEqual([400, 'tooMany']);
    expect(err.message).toContain('at most 100');
  });

  it.each([
    ['a non-object body', [], 'invalidSyntax', 'JSON object'],
    ['no schemas', { Operations: [{ op: 'add', value: {} }] }, 'invalidSyntax', PATCH_OP_SCHEMA],
    ['the wrong schema', { schemas: [USER_SCHEMA], Operations: [{ op: 'add', value: {} }] }, 'invalidSyntax', PATCH_OP_SCHEMA],
    ['no Operations', { schemas: [PATCH_OP_SCHEMA] }, 'invalidSyntax', 'non-empty "Operations"'],
    ['empty Operations', patch(), 'invalidSyntax', 'non-empty "Operations"'],
    ['Operations not an array', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }, 'invalidSyntax', 'non-empty'],
    ['an operation that is not an object', patch('add'), 'invalidSyntax', 'Operation 1 must be an object'],
    ['an unknown op', patch({ op: 'move', path: 'title' }), 'invalidSyntax', 'not "move"'],
    ['a missing op', patch({ path: 'title', value: 'x' }), 'invalidSyntax', '"op" must be'],
    ['a non-string path', patch({ op: 'replace', path: 5, value: 'x' }), 'invalidPath', '"path" must be a string'],
    [
      'a malformed path',
      patch({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }),
      'invalidPath',
      'Invalid path "emails[type eq "work"": expected "]"',
    ],
    ['a path with spaces', patch({ op: 'replace', path: 'name givenName', value: 'x' }), 'invalidPath', 'unexpected'],
    ['remove without a path', patch({ op: 'remove' }), 'noTarget', 'needs a "path"'],
    ['add without a value', patch({ op: 'add', path: 'title' }), 'invalidValue', 'needs a "value"'],
    [
      'an over-deep value',
      patch({ op: 'add', path: 'title', value: JSON.parse('['.repeat(40) + ']'.repeat(40)) }),
      'invalidValue',
      'nested',
    ],
  ])('refuses %s', (_, body, scimType, message) => {
    const err = scimError(() => parsePatchBody(body));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
    expect(err.message).toContain(message);
  });
});

describe('prototype pollution', () => {
  it.each([
    '{"op":"add","value":{"__proto__":{"polluted":true}}}',
    '{"op":"add","value":{"name":{"__proto__":{"polluted":true}}}}',
    '{"op":"add","path":"emails","value":[{"value":"a@b","__proto__":{"polluted":true}}]}',
    '{"op":"add","value":{"constructor":{"prototype":{"polluted":true}}}}',
    '{"op":"replace","value":{"name.__proto__.polluted":true}}',
    '{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"__proto__":{"polluted":true}}}}',
    '{"op":"replace","path":"constructor","value":{"polluted":true}}',
    '{"op":"replace","path":"name.prototype","value":"x"}',
    '{"op":"replace","path":"emails[type eq \\"work\\"].constructor","value":"x"}',
  ])('refuses %s as invalidPath', (json) => {
    const body = JSON.parse(`{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[${json}]}`);
    expect(scimError(() => parsePatchBody(body)).scimType).toBe('invalidPath');
    // Also when the operations did not come through parsePatchBody.
    const op = JSON.parse(json);
    const path = typeof op.path === 'string' ? { text: op.path, attr: op.path.toLowerCase(), filter: null, subAttr: null } : null;
    expect(scimError(() => applyUserPatch(barbara(), [{ op: op.op, path, value: op.value }])).scimType).toBe('invalidPath');
    expect(scimError(() => planGroupPatch([{ op: op.op, path, value: op.value }])).scimType).toBe('invalidPath');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses __proto__ in POST/PUT bodies', () => {
    const body = JSON.parse('{"userName":"a","__proto__":{"polluted":true}}');
    expect(scimError(() => normalizeUserDoc(body)).scimType).toBe('invalidPath');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still allows those words inside quoted filter values', () => {
    const doc = { userName: 'u', emails: [{ value: 'constructor@x.com', type: 'work' }] };
    expect(patchUser(doc, { op: 'remove', path: 'emails[value eq "constructor@x.com"]' })).toEqual({ userName: 'u' });
  });
});

describe('Okta', () => {
  // developer.okta.com — "SCIM 2.0 protocol reference" request bodies.
  it('creates a user (POST /Users)', () => {
    const body = {
      schemas: [USER_SCHEMA],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    expect(normalizeUserDoc(body)).toEqual({
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
  });

  it('replaces a user (PUT /Users/{id}), dropping id, meta, groups and password', () => {
    const body = {
      schemas: [USER_SCHEMA],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: '', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      locale: 'en-US',
      externalId: '00u1dhhb1fkIGP7RL1d8',
      groups: [],
      password: '1mz050nq',
      active: true,
      meta: { resourceType: 'User', created: '2019-10-02T12:09:39.000Z', lastModified: '2019-10-02T12:09:39.000Z' },
    };
    const doc = normalizeUserDoc(body);
    expect(Object.keys(doc).sort()).toEqual(['active', 'displayName', 'emails', 'externalId', 'locale', 'name', 'userName']);
    expect(doc.name).toEqual({ givenName: 'Another', middleName: '', familyName: 'User' });
  });

  it('deactivates with a path-less replace', () => {
    expect(patchUser(barbara(), { op: 'replace', value: { active: false } }).active).toBe(false);
  });

  it('accepts and discards a password change', () => {
    expect(patchUser(barbara(), { op: 'replace', value: { password: 'new-secret' } })).toEqual(barbara());
    expect(patchUser(barbara(), { op: 'replace', path: 'password', value: 'new-secret' })).toEqual(barbara());
  });

  it('updates profile attributes path-less, merging into name', () => {
    const out = patchUser(barbara(), { op: 'replace', value: { userName: 'babs@example.com', name: { givenName: 'Babs' } } });
    expect(out.userName).toBe('babs@example.com');
    expect(out.name).toEqual({ givenName: 'Babs', familyName: 'Jensen' });
  });

  it('updates by path: active, name.givenName, emails[type eq "work"].value', () => {
    const out = patchUser(
      barbara(),
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'name.givenName', value: 'Barb' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'barb@example.com' },
    );
    expect(out.active).toBe(false);
    expect(out.name).toEqual({ givenName: 'Barb', familyName: 'Jensen' });
    expect(out.emails).toEqual([
      { value: 'barb@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('renames a group path-less, skipping the read-only id', () => {
    expect(planGroup({ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } })).toEqual({
      displayName: 'Test SCIMv2',
      members: [],
    });
  });

  it('adds and removes group members', () => {
    expect(
      planGroup({
        op: 'add',
        path: 'members',
        value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
      }),
    ).toEqual({ members: [{ op: 'add', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173'] }] });
    expect(planGroup({ op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' })).toEqual({
      members: [{ op: 'remove', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] }],
    });
  });
});

describe('Microsoft Entra ID', () => {
  // learn.microsoft.com — "Tutorial: Develop a sample SCIM endpoint" request examples, and
  // "Known issues and resolutions with SCIM 2.0 protocol compliance" (before/after aadOptscim062020).
  it('creates a user with the enterprise extension nested, or flattened into URN keys', () => {
    const body = {
      schemas: [USER_SCHEMA, ENT],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: 'True',
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENT]: { department: 'Sales', manager: { value: 'mgr-9', displayName: 'ignored, read-only' } },
    };
    expect(normalizeUserDoc(body)).toEqual({
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENT]: { department: 'Sales', manager: { value: 'mgr-9' } },
    });
    const flat = normalizeUserDoc({
      userName: 'u',
      [`${ENT}:department`]: 'Sales',
      [`${ENT}:manager`]: 'mgr-9',
      'name.givenName': 'Ann',
    });
    expect(flat).toEqual({ userName: 'u', name: { givenName: 'Ann' }, [ENT]: { department: 'Sales', manager: { value: 'mgr-9' } } });
  });

  it('disables with "False" (before the flag) and false (after)', () => {
    expect(patchUser(barbara(), { op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(patchUser(barbara(), { op: 'replace', path: 'active', value: false }).active).toBe(false);
    expect(patchUser({ ...barbara(), active: false }, { op: 'Replace', path: 'active', value: 'True' }).active).toBe(true);
  });

  it('updates multi-valued and single-valued attributes by path', () => {
    const out = patchUser(
      barbara(),
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
    );
    expect(out.emails).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(out.name).toEqual({ givenName: 'Barbara', familyName: 'updatedFamilyName' });
    expect(out.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('adds a work email to a user without one, creating the element', () => {
    const out = patchUser({ userName: 'u' }, { op: 'Add', path: 'emails[type eq "work"].value', value: 'x@y.com' });
    expect(out.emails).toEqual([{ type: 'work', value: 'x@y.com' }]);
  });

  it('adds work address and mobile phone parts through filters', () => {
    const out = patchUser(
      barbara(),
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
    );
    expect(out.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield' }]);
    expect(out.phoneNumbers).toEqual([
      { value: '555-555-8377', type: 'work' },
      { type: 'mobile', value: '+1 555 0100' },
    ]);
  });

  it('sets enterprise attributes by URN path and the manager as a bare id or object', () => {
    const out = patchUser(
      barbara(),
      { op: 'Add', path: `${ENT}:department`, value: 'Finance' },
      { op: 'Replace', path: `${ENT}:manager`, value: 'mgr-2' },
    );
    expect(out[ENT]).toEqual({ employeeNumber: '701984', department: 'Finance', manager: { value: 'mgr-2' } });
    expect(patchUser(barbara(), { op: 'replace', path: `${ENT}:manager`, value: { value: 'mgr-3' } })[ENT]).toMatchObject({
      manager: { value: 'mgr-3' },
    });
    expect(patchUser(barbara(), { op: 'replace', path: `${ENT}:manager.value`, value: 'mgr-4' })[ENT]).toMatchObject({
      manager: { value: 'mgr-4' },
    });
    // Older requests: unprefixed path, one-element array with a null $ref.
    expect(patchUser(barbara(), { op: 'Add', path: 'manager', value: [{ $ref: null, value: 'mgr-5' }] })[ENT]).toMatchObject({
      manager: { value: 'mgr-5' },
    });
  });

  it('removes the manager, dropping the extension once empty', () => {
    expect(patchUser(barbara(), { op: 'Remove', path: `${ENT}:manager` })[ENT]).toEqual({ employeeNumber: '701984' });
    const out = patchUser(barbara(), { op: 'Remove', path: `${ENT}:manager` }, { op: 'Remove', path: `${ENT}:employeeNumber` });
    expect(out).not.toHaveProperty([ENT]);
    expect(patchUser({ userName: 'u' }, { op: 'Remove', path: `${ENT}:manager` })).toEqual({ userName: 'u' });
  });

  it('clears the manager when sent an empty id', () => {
    expect(patchUser(barbara(), { op: 'Replace', path: `${ENT}:manager`, value: '' })[ENT]).toEqual({ employeeNumber: '701984' });
  });

  it('replaces many attributes path-less with path keys (aadOptscim062020)', () => {
    const out = patchUser(barbara(), {
      op: 'replace',
      value: {
        displayName: 'Pvlo',
        'emails[type eq "work"].value': 'TestBcwqnm@testuser.com',
        'name.givenName': 'Gtfd',
        'name.familyName': 'Pkqf',
        externalId: 'Eqpj',
        [`${ENT}:employeeNumber`]: '7',
      },
    });
    expect(out).toMatchObject({
      displayName: 'Pvlo',
      name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      externalId: 'Eqpj',
      [ENT]: { employeeNumber: '7', manager: { value: 'mgr-1' } },
    });
    expect((out.emails as unknown[])[0]).toEqual({ value: 'TestBcwqnm@testuser.com', type: 'work', primary: true });
  });

  it('adds a single-valued attribute path-less (nickName, before and after the flag)', () => {
    expect(patchUser(barbara(), { op: 'Add', path: 'nickName', value: 'Babs' }).nickName).toBe('Babs');
    expect(patchUser(barbara(), { op: 'add', value: { nickName: 'Babs' } }).nickName).toBe('Babs');
  });

  it('plans group member changes before and after the flag', () => {
    expect(planGroup({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] })).toEqual({
      members: [{ op: 'add', ids: ['f648f8d5ea4e4cd38e9c'] }],
    });
    expect(planGroup({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a7d7' }] })).toEqual({
      members: [{ op: 'remove', ids: ['a7d7'] }],
    });
    expect(planGroup({ op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' })).toEqual({
      members: [{ op: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] }],
    });
    expect(planGroup({ op: 'Remove', path: 'members' })).toEqual({ members: [{ op: 'removeAll' }] });
    expect(planGroup({ op: 'Replace', path: 'members', value: [{ value: 'a' }, { value: 'b' }] })).toEqual({
      members: [{ op: 'replace', ids: ['a', 'b'] }],
    });
    expect(planGroup({ op: 'Add', value: { members: [{ value: 'a' }] } })).toEqual({ members: [{ op: 'add', ids: ['a'] }] });
  });

  it('renames a group and sets its externalId', () => {
    expect(
      planGroup(
        { op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' },
        { op: 'Replace', path: 'externalId', value: 'ext-1' },
      ),
    ).toEqual({ displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName', externalId: 'ext-1', members: [] });
    expect(planGroup({ op: 'Remove', path: 'externalId' })).toEqual({ externalId: null, members: [] });
    expect(planGroup({ op: 'replace', value: { externalId: null } })).toEqual({ externalId: null, members: [] });
  });
});

describe('applyUserPatch semantics (RFC 7644 §3.5.2)', () => {
  it('never mutates its input', () => {
    const input = deepFreeze(barbara());
    const out = patchUser(
      input,
      { op: 'replace', path: 'name.givenName', value: 'B' },
      { op: 'add', path: 'emails', value: [{ value: 'new@x.com', type: 'other', primary: true }] },
      { op: 'remove', path: `${ENT}:manager` },
    );
    expect(input).toEqual(barbara());
    expect(out).not.toEqual(input);
  });

  it('add appends to a multi-valued attribute without duplicating equal values', () => {
    const out = patchUser(barbara(), {
      op: 'add',
      path: 'emails',
      value: [
        { value: 'BJENSEN@example.com', type: 'work', display: 'Work' },
        { value: 'other@x.com', type: 'other' },
      ],
    });
    expect(out.emails).toEqual([
      { value: 'BJENSEN@example.com', type: 'work', primary: true, display: 'Work' },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'other@x.com', type: 'other' },
    ]);
  });

  it('replace on a multi-valued attribute replaces the list; an empty list unsets it', () => {
    expect(patchUser(barbara(), { op: 'replace', path: 'emails', value: [{ value: 'only@x.com' }] }).emails).toEqual([
      { value: 'only@x.com' },
    ]);
    expect(patchUser(barbara(), { op: 'replace', path: 'phoneNumbers', value: [] })).not.toHaveProperty('phoneNumbers');
  });

  it('replace through a filter changes every matching element, or fails with noTarget', () => {
    const doc = {
      userName: 'u',
      emails: [
        { value: 'a@x', type: 'work' },
        { value: 'b@x', type: 'work' },
        { value: 'c@x', type: 'home' },
      ],
    };
    expect(patchUser(doc, { op: 'replace', path: 'emails[type eq "work"].display', value: 'W' }).emails).toEqual([
      { value: 'a@x', type: 'work', display: 'W' },
      { value: 'b@x', type: 'work', display: 'W' },
      { value: 'c@x', type: 'home' },
    ]);
    expect(patchUser(doc, { op: 'replace', path: 'emails[value eq "c@x"]', value: { type: 'other' } }).emails).toContainEqual({
      value: 'c@x',
      type: 'other',
    });
    const err = scimError(() => patchUser(doc, { op: 'replace', path: 'emails[type eq "other"].value', value: 'z@x' }));
    expect(err.scimType).toBe('noTarget');
    expect(err.message).toContain('emails[type eq "other"].value');
  });

  it('add through a filter that matches nothing creates the element from its eq conditions', () => {
    expect(
      patchUser({ userName: 'u' }, { op: 'add', path: 'phoneNumbers[type eq "work" and primary eq true]', value: { value: '1' } })
        .phoneNumbers,
    ).toEqual([{ type: 'work', primary: true, value: '1' }]);
    const err = scimError(() => patchUser({ userName: 'u' }, { op: 'add', path: 'emails[type ne "work"].value', value: 'x' }));
    expect(err.scimType).toBe('noTarget');
  });

  it('remove through a filter removes matching elements; a sub-attribute leaves the rest', () => {
    expect(patchUser(barbara(), { op: 'remove', path: 'emails[type eq "home"]' }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(patchUser(barbara(), { op: 'remove', path: 'emails[type eq "work" or type eq "home"]' })).not.toHaveProperty('emails');
    expect(patchUser(barbara(), { op: 'remove', path: 'emails[type eq "nothing"]' })).toEqual(barbara());
    // An email reduced to its labels is gone.
    expect(patchUser(barbara(), { op: 'remove', path: 'emails[type eq "home"].value' }).emails).toHaveLength(1);
    const addr = { userName: 'u', addresses: [{ type: 'work', streetAddress: '1 Main', locality: 'X' }] };
    expect(patchUser(addr, { op: 'remove', path: 'addresses[type eq "work"].streetAddress' }).addresses).toEqual([
      { type: 'work', locality: 'X' },
    ]);
  });

  it('remove on a multi-valued attribute with a value list removes those elements (as Entra does for members)', () => {
    expect(patchUser(barbara(), { op: 'remove', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }] }).emails).toHaveLength(
      1,
    );
  });

  it('remove unsets simple, complex and sub-attributes', () => {
    const out = patchUser(
      barbara(),
      { op: 'remove', path: 'displayName' },
      { op: 'remove', path: 'name.givenName' },
      { op: 'remove', path: 'phoneNumbers' },
    );
    expect(out).not.toHaveProperty('displayName');
    expect(out).not.toHaveProperty('phoneNumbers');
    expect(out.name).toEqual({ familyName: 'Jensen' });
    expect(patchUser(barbara(), { op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'name.familyName' })).not.toHaveProperty(
      'name',
    );
    expect(patchUser(barbara(), { op: 'remove', path: 'title' })).toEqual(barbara());
  });

  it('replace with null unsets (null means unassigned)', () => {
    expect(patchUser(barbara(), { op: 'replace', path: 'displayName', value: null })).not.toHaveProperty('displayName');
    expect(patchUser(barbara(), { op: 'replace', value: { name: { givenName: null } } }).name).toEqual({ familyName: 'Jensen' });
  });

  it('keeps one primary: setting primary true clears it on the others', () => {
    const viaFilter = patchUser(barbara(), { op: 'replace', path: 'emails[type eq "home"].primary', value: true });
    expect(viaFilter.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
    const viaAdd = patchUser(barbara(), { op: 'add', path: 'emails', value: [{ value: 'n@x', type: 'other', primary: 'True' }] });
    expect((viaAdd.emails as Array<Record<string, unknown>>).filter((e) => e.primary === true)).toEqual([
      { value: 'n@x', type: 'other', primary: true },
    ]);
    const two = scimError(() =>
      patchUser(barbara(), {
        op: 'replace',
        path: 'emails',
        value: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      }),
    );
    expect(two.scimType).toBe('invalidValue');
    const doc = {
      userName: 'u',
      emails: [
        { value: 'a', type: 'work' },
        { value: 'b', type: 'work' },
      ],
    };
    expect(scimError(() => patchUser(doc, { op: 'replace', path: 'emails[type eq "work"].primary', value: true })).scimType).toBe(
      'invalidValue',
    );
  });

  it('matches filters case-insensitively on case-insensitive sub-attributes', () => {
    expect(patchUser(barbara(), { op: 'replace', path: 'emails[type eq "WORK"].display', value: 'W' }).emails).toContainEqual({
      value: 'bjensen@example.com',
      type: 'work',
      primary: true,
      display: 'W',
    });
    expect(patchUser(barbara(), { op: 'remove', path: 'emails[value ew "@JENSEN.org" and not (primary eq true)]' }).emails).toHaveLength(1);
    expect(patchUser(barbara(), { op: 'remove', path: 'emails[primary pr]' }).emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('accepts attribute names in any case and URN-prefixed core paths', () => {
    const out = patchUser(
      barbara(),
      { op: 'replace', path: 'DISPLAYNAME', value: 'X' },
      { op: 'replace', path: `${USER_SCHEMA}:name.givenName`, value: 'Y' },
      { op: 'replace', value: { NickName: 'Z', [`${ENT.toUpperCase()}:DEPARTMENT`]: 'D' } },
    );
    expect(out).toMatchObject({ displayName: 'X', name: { givenName: 'Y' }, nickName: 'Z', [ENT]: { department: 'D' } });
  });

  it('ignores read-only, unsupported and extension keys in a path-less value', () => {
    const out = patchUser(barbara(), {
      op: 'replace',
      value: {
        id: 'x',
        meta: {},
        groups: [],
        schemas: [],
        photos: [],
        'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge': '1',
        title: 'T',
      },
    });
    expect(out).toEqual({ ...barbara(), title: 'T' });
  });

  it('replaces the whole extension by its URN path', () => {
    expect(patchUser(barbara(), { op: 'replace', path: ENT, value: { costCenter: 'CC' } })[ENT]).toEqual({
      employeeNumber: '701984',
      manager: { value: 'mgr-1' },
      costCenter: 'CC',
    });
    expect(patchUser(barbara(), { op: 'remove', path: ENT })).not.toHaveProperty([ENT]);
  });

  it.each([
    [{ op: 'replace', path: 'favoriteColor', value: 'x' }, 'invalidPath', 'Unknown attribute path "favoriteColor"'],
    [{ op: 'replace', path: 'name.nickname', value: 'x' }, 'invalidPath', 'Unknown attribute path "name.nickname"'],
    [
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge', value: 'x' },
      'invalidPath',
      'Unknown attribute path',
    ],
    [{ op: 'replace', path: 'emails.value', value: 'x' }, 'invalidPath', 'emails[type eq "work"].value'],
    [{ op: 'replace', path: 'name[givenName eq "x"]', value: 'x' }, 'invalidPath', 'not multi-valued'],
    [{ op: 'replace', path: 'displayName.value', value: 'x' }, 'invalidPath', 'Unknown attribute path'],
    [{ op: 'replace', path: 'emails[foo eq "x"].value', value: 'x' }, 'invalidFilter', 'Unknown attribute "emails.foo"'],
    [{ op: 'replace', path: 'emails[primary co "t"].value', value: 'x' }, 'invalidFilter', 'cannot be compared'],
    [{ op: 'replace', path: 'emails[type gt "a"].value', value: 'x' }, 'invalidFilter', 'cannot be compared'],
    [{ op: 'replace', path: 'id', value: 'x' }, 'mutability', '"id" is read-only'],
    [{ op: 'replace', path: 'meta.lastModified', value: 'x' }, 'mutability', 'read-only'],
    [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }, 'mutability', '"groups" is read-only'],
    [{ op: 'replace', path: `${ENT}:manager.displayName`, value: 'x' }, 'mutability', 'read-only'],
    [{ op: 'remove', path: 'userName' }, 'invalidValue', '"userName" is required'],
    [{ op: 'replace', path: 'userName', value: '  ' }, 'invalidValue', '"userName" is required'],
    [{ op: 'replace', value: { userName: null } }, 'invalidValue', '"userName" is required'],
    [{ op: 'replace', path: 'active', value: 'yes' }, 'invalidValue', '"active" must be true or false'],
    [{ op: 'replace', path: 'active', value: 1 }, 'invalidValue', '"active" must be true or false'],
    [{ op: 'replace', path: 'title', value: 7 }, 'invalidValue', '"title" must be a string'],
    [{ op: 'replace', path: 'emails', value: { value: 'x' } }, 'invalidValue', 'multi-valued; send an array'],
    [{ op: 'replace', path: 'emails', value: ['x'] }, 'invalidValue', '"emails[0]" must be an object'],
    [{ op: 'replace', path: 'emails', value: [{ value: 5 }] }, 'invalidValue', '"emails[0].value" must be a string'],
    [{ op: 'replace', path: 'name', value: 'Barbara' }, 'invalidValue', '"name" must be an object'],
    [{ op: 'replace', path: `${ENT}:department`, value: { name: 'x' } }, 'invalidValue', `"${ENT}:department" must be a string`],
    [{ op: 'replace', value: 'active' }, 'invalidValue', 'needs an object value'],
    [{ op: 'replace', value: { [ENT]: 'x' } }, 'invalidValue', 'must be an object'],
  ])('refuses %j with %s', (op, scimType, message) => {
    const err = scimError(() => patchUser(barbara(), op));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
    expect(err.message).toContain(message);
  });
});

describe('normalizeUserDoc', () => {
  it('maps attribute names in any case to canonical names', () => {
    expect(
      normalizeUserDoc({ USERNAME: 'u', Name: { GIVENNAME: 'A' }, Emails: [{ VALUE: 'a@x', Type: 'work', Primary: 'true' }] }),
    ).toEqual({
      userName: 'u',
      name: { givenName: 'A' },
      emails: [{ value: 'a@x', type: 'work', primary: true }],
    });
  });

  it('ignores attributes outside the schemas and drops nulls', () => {
    expect(
      normalizeUserDoc({
        userName: 'u',
        title: null,
        photos: [{ value: 'https://x' }],
        'urn:ietf:params:scim:schemas:extension:acme:2.0:User': { badge: '1' },
        name: { givenName: 'A', nickname: 'ignored' },
        [ENT]: { department: 'D', shoeSize: 44 },
      }),
    ).toEqual({ userName: 'u', name: { givenName: 'A' }, [ENT]: { department: 'D' } });
  });

  it('accepts every attribute of the schemas', () => {
    const body = {
      userName: 'u',
      name: { formatted: 'f', familyName: 'f', givenName: 'g', middleName: 'm', honorificPrefix: 'p', honorificSuffix: 's' },
      displayName: 'd',
      nickName: 'n',
      profileUrl: 'https://x',
      title: 't',
      userType: 'Employee',
      preferredLanguage: 'en-US',
      locale: 'en-US',
      timezone: 'Europe/Paris',
      active: false,
      emails: [{ value: 'a@x', display: 'A', type: 'work', primary: true }],
      phoneNumbers: [{ value: '1', display: 'one', type: 'mobile', primary: false }],
      addresses: [
        { formatted: 'f', streetAddress: 's', locality: 'l', region: 'r', postalCode: 'p', country: 'FR', type: 'work', primary: true },
      ],
      roles: [{ value: 'admin', display: 'Admin', type: 'app', primary: true }],
      externalId: 'e',
      [ENT]: {
        employeeNumber: '1',
        costCenter: 'c',
        organization: 'o',
        division: 'd',
        department: 'd',
        manager: { value: 'm', $ref: '../Users/m' },
      },
    };
    expect(normalizeUserDoc(body)).toEqual(body);
  });

  it.each([
    ['a non-object', 'bjensen', 'invalidSyntax'],
    ['no userName', { name: { givenName: 'A' } }, 'invalidValue'],
    ['an empty userName', { userName: '' }, 'invalidValue'],
    ['a numeric userName', { userName: 42 }, 'invalidValue'],
    ['emails as an object', { userName: 'u', emails: { value: 'a@x' } }, 'invalidValue'],
    ['name as a string', { userName: 'u', name: 'Ann' }, 'invalidValue'],
    ['active as "yes"', { userName: 'u', active: 'yes' }, 'invalidValue'],
    [
      'two primary emails',
      {
        userName: 'u',
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
      'invalidValue',
    ],
  ])('refuses %s', (_, body, scimType) => {
    expect(scimError(() => normalizeUserDoc(body)).scimType).toBe(scimType);
  });
});

describe('planGroupPatch', () => {
  it('merges consecutive adds and removes, keeping steps in order', () => {
    expect(
      planGroup(
        { op: 'Add', path: 'members', value: [{ value: 'a' }] },
        { op: 'Add', path: 'members', value: [{ value: 'b' }, { value: 'a' }] },
        { op: 'Remove', path: 'members[value eq "c" or value eq "d"]' },
        { op: 'Remove', path: 'members', value: [{ value: 'e' }] },
        { op: 'Add', path: 'members', value: [{ value: 'c' }] },
        { op: 'Replace', path: 'displayName', value: 'X' },
      ),
    ).toEqual({
      displayName: 'X',
      members: [
        { op: 'add', ids: ['a', 'b'] },
        { op: 'remove', ids: ['c', 'd', 'e'] },
        { op: 'add', ids: ['c'] },
      ],
    });
  });

  it('treats an empty add as nothing and a single member object as a list', () => {
    expect(planGroup({ op: 'add', path: 'members', value: [] })).toEqual({ members: [] });
    expect(planGroup({ op: 'add', path: 'members', value: { value: 'a' } })).toEqual({ members: [{ op: 'add', ids: ['a'] }] });
  });

  it('accepts URN-prefixed and differently cased paths', () => {
    expect(planGroup({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:DisplayName', value: 'X' })).toEqual({
      displayName: 'X',
      members: [],
    });
  });

  it.each([
    [{ op: 'replace', path: 'owner', value: 'x' }, 'invalidPath', 'Unknown attribute path "owner"'],
    [{ op: 'replace', path: 'members[value eq "a"]', value: [{ value: 'b' }] }, 'invalidPath', 'with a value list'],
    [{ op: 'remove', path: 'members[display eq "Ann"]' }, 'invalidFilter', 'members[value eq "<id>"]'],
    [{ op: 'remove', path: 'members[value co "a"]' }, 'invalidFilter', 'members[value eq "<id>"]'],
    [{ op: 'remove', path: 'members[value eq "a" and type eq "User"]' }, 'invalidFilter', 'members[value eq "<id>"]'],
    [{ op: 'replace', path: 'members[value eq "a"].display', value: 'x' }, 'invalidPath', 'cannot be patched'],
    [{ op: 'replace', path: 'displayName.x', value: 'x' }, 'invalidPath', 'no sub-attributes'],
    [{ op: 'replace', path: 'id', value: 'x' }, 'mutability', 'read-only'],
    [{ op: 'remove', path: 'displayName' }, 'invalidValue', 'cannot be removed'],
    [{ op: 'replace', path: 'displayName', value: '' }, 'invalidValue', 'non-empty string'],
    [{ op: 'replace', path: 'externalId', value: 5 }, 'invalidValue', 'must be a string'],
    [
      { op: 'add', path: 'members', value: [{ display: 'Ann' }] },
      'invalidValue',
      'members[0] must be an object like {"value": "<user id>"}',
    ],
    [{ op: 'add', path: 'members', value: ['a'] }, 'invalidValue', 'members[0]'],
    [{ op: 'replace', value: ['x'] }, 'invalidValue', 'needs an object value'],
  ])('refuses %j with %s', (op, scimType, message) => {
    const err = scimError(() => planGroup(op));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
    expect(err.message).toContain(message);
  });
});
