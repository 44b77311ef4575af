import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_USER_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  GROUP_ATTRIBUTES,
  GROUP_SCHEMA,
  LIST_RESPONSE_SCHEMA,
  PATCH_OP_SCHEMA,
  USER_ATTRIBUTES,
  USER_SCHEMA,
  findAttribute,
  schemaResources,
  type SchemaAttribute,
} from './schemas';

const TYPES = ['string', 'boolean', 'dateTime', 'reference', 'complex', 'integer', 'decimal'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'default', 'never', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

const names = (attrs: readonly SchemaAttribute[] | undefined) => (attrs ?? []).map((a) => a.name);
const get = (attrs: readonly SchemaAttribute[], path: string) => {
  const [top, sub] = path.split('.');
  const attr = findAttribute(attrs, top!)!;
  return sub ? findAttribute(attr.subAttributes!, sub)! : attr;
};

describe('schema URNs', () => {
  it('are the RFC 7643/7644 identifiers', () => {
    expect(USER_SCHEMA).toBe('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(GROUP_SCHEMA).toBe('urn:ietf:params:scim:schemas:core:2.0:Group');
    expect(ENTERPRISE_USER_SCHEMA).toBe('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(PATCH_OP_SCHEMA).toBe('urn:ietf:params:scim:api:messages:2.0:PatchOp');
    expect(LIST_RESPONSE_SCHEMA).toBe('urn:ietf:params:scim:api:messages:2.0:ListResponse');
  });
});

describe('attribute definitions', () => {
  const all = (attrs: readonly SchemaAttribute[]): SchemaAttribute[] => attrs.flatMap((a) => [a, ...all(a.subAttributes ?? [])]);

  it.each([
    ['User', USER_ATTRIBUTES],
    ['EnterpriseUser', ENTERPRISE_USER_ATTRIBUTES],
    ['Group', GROUP_ATTRIBUTES],
  ])('%s: every attribute has all characteristics, valid values and a unique name', (_, attrs) => {
    for (const a of all(attrs)) {
      expect(TYPES).toContain(a.type);
      expect(MUTABILITY).toContain(a.mutability);
      expect(RETURNED).toContain(a.returned);
      expect(UNIQUENESS).toContain(a.uniqueness);
      expect(typeof a.multiValued).toBe('boolean');
      expect(typeof a.required).toBe('boolean');
      expect(typeof a.caseExact).toBe('boolean');
      expect(a.description.length).toBeGreaterThan(5);
      // Only complex attributes have sub-attributes, and they always do; references say what to.
      expect(Boolean(a.subAttributes?.length)).toBe(a.type === 'complex');
      if (a.type === 'reference') expect(a.referenceTypes?.length).toBeGreaterThan(0);
    }
    for (const level of [attrs, ...all(attrs).map((a) => a.subAttributes ?? [])]) {
      const lower = level.map((a) => a.name.toLowerCase());
      expect(new Set(lower).size).toBe(lower.length);
    }
  });

  it('defines the User attributes', () => {
    expect(names(USER_ATTRIBUTES)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'addresses',
      'groups',
      'roles',
      'externalId',
    ]);
    expect(names(get(USER_ATTRIBUTES, 'name').subAttributes)).toEqual([
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ]);
    for (const multi of ['emails', 'phoneNumbers', 'roles']) {
      expect(names(get(USER_ATTRIBUTES, multi).subAttributes)).toEqual(['value', 'display', 'type', 'primary']);
    }
    expect(names(get(USER_ATTRIBUTES, 'addresses').subAttributes)).toEqual([
      'formatted',
      'streetAddress',
      'locality',
      'region',
      'postalCode',
      'country',
      'type',
      'primary',
    ]);
    expect(names(get(USER_ATTRIBUTES, 'groups').subAttributes)).toEqual(['value', '$ref', 'display', 'type']);
  });

  it('gives User attributes their RFC characteristics', () => {
    expect(get(USER_ATTRIBUTES, 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(get(USER_ATTRIBUTES, 'active')).toMatchObject({ type: 'boolean', multiValued: false });
    expect(get(USER_ATTRIBUTES, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(get(USER_ATTRIBUTES, 'groups')).toMatchObject({ multiValued: true, mutability: 'readOnly' });
    expect(get(USER_ATTRIBUTES, 'groups.$ref')).toMatchObject({ type: 'reference', referenceTypes: ['User', 'Group'] });
    expect(get(USER_ATTRIBUTES, 'externalId')).toMatchObject({ caseExact: true });
    expect(get(USER_ATTRIBUTES, 'emails')).toMatchObject({ type: 'complex', multiValued: true });
    expect(get(USER_ATTRIBUTES, 'emails.primary')).toMatchObject({ type: 'boolean' });
    expect(get(USER_ATTRIBUTES, 'emails.type').canonicalValues).toEqual(['work', 'home', 'other']);
    expect(get(USER_ATTRIBUTES, 'phoneNumbers.type').canonicalValues).toContain('mobile');
    expect(get(USER_ATTRIBUTES, 'profileUrl')).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
  });

  it('defines the Enterprise User extension', () => {
    expect(names(ENTERPRISE_USER_ATTRIBUTES)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
    expect(get(ENTERPRISE_USER_ATTRIBUTES, 'manager')).toMatchObject({ type: 'complex', multiValued: false });
    expect(names(get(ENTERPRISE_USER_ATTRIBUTES, 'manager').subAttributes)).toEqual(['value', '$ref', 'displayName']);
    expect(get(ENTERPRISE_USER_ATTRIBUTES, 'manager.displayName').mutability).toBe('readOnly');
    expect(get(ENTERPRISE_USER_ATTRIBUTES, 'manager.$ref').referenceTypes).toEqual(['User']);
  });

  it('defines the Group attributes', () => {
    expect(names(GROUP_ATTRIBUTES)).toEqual(['displayName', 'members', 'externalId']);
    expect(get(GROUP_ATTRIBUTES, 'displayName').required).toBe(true);
    expect(get(GROUP_ATTRIBUTES, 'members')).toMatchObject({ type: 'complex', multiValued: true });
    expect(names(get(GROUP_ATTRIBUTES, 'members').subAttributes)).toEqual(['value', '$ref', 'display', 'type']);
    expect(get(GROUP_ATTRIBUTES, 'members.value').mutability).toBe('immutable');
    expect(get(GROUP_ATTRIBUTES, 'externalId').caseExact).toBe(true);
  });
});

describe('findAttribute', () => {
  it('finds by name in any case and returns the canonical definition', () => {
    expect(findAttribute(USER_ATTRIBUTES, 'USERNAME')?.name).toBe('userName');
    expect(findAttribute(USER_ATTRIBUTES, 'phonenumbers')?.name).toBe('phoneNumbers');
    expect(findAttribute(get(USER_ATTRIBUTES, 'groups').subAttributes!, '$REF')?.name).toBe('$ref');
  });

  it('finds nothing for unknown names, including object prototype names', () => {
    for (const name of ['favoriteColor', 'constructor', '__proto__', 'toString', '']) {
      expect(findAttribute(USER_ATTRIBUTES, name)).toBeUndefined();
    }
  });
});

describe('schemaResources', () => {
  it('returns the /Schemas ListResponse resources', () => {
    const resources = schemaResources('https://gatehouse.example/api/scim/v2/');
    expect(resources.map((r) => [r.id, r.name])).toEqual([
      [USER_SCHEMA, 'User'],
      [ENTERPRISE_USER_SCHEMA, 'EnterpriseUser'],
      [GROUP_SCHEMA, 'Group'],
    ]);
    expect(resources[0]).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: USER_SCHEMA,
      name: 'User',
      description: 'User Account',
      attributes: USER_ATTRIBUTES,
      meta: { resourceType: 'Schema', location: `https://gatehouse.example/api/scim/v2/Schemas/${USER_SCHEMA}` },
    });
    expect(resources[2]!.meta.location).toBe(`https://gatehouse.example/api/scim/v2/Schemas/${GROUP_SCHEMA}`);
  });

  it('serializes to plain JSON without losing anything', () => {
    const resources = schemaResources('https://x');
    expect(JSON.parse(JSON.stringify(resources))).toEqual(resources);
  });
});
