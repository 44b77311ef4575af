// The SCIM schemas Gatehouse serves (RFC 7643 §7 format): core User, the Enterprise User
// extension and core Group. One source of truth — /Schemas renders these definitions and
// patch.ts validates and canonicalises attribute names against them.

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export type AttributeType = 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex' | 'integer' | 'decimal';

export type SchemaAttribute = {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'default' | 'never' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  description: string;
  subAttributes?: SchemaAttribute[];
  canonicalValues?: string[];
  referenceTypes?: string[];
};

// Most attributes are optional, single-valued, case-insensitive, read-write strings; spelling
// out all nine characteristics for each of ~70 definitions would hide the ones that differ.
function attr(name: string, description: string, overrides: Partial<SchemaAttribute> = {}): SchemaAttribute {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description,
    ...overrides,
  };
}

const complex = (name: string, description: string, subAttributes: SchemaAttribute[], overrides: Partial<SchemaAttribute> = {}) =>
  attr(name, description, { type: 'complex', subAttributes, ...overrides });

const multi = (name: string, description: string, subAttributes: SchemaAttribute[], overrides: Partial<SchemaAttribute> = {}) =>
  complex(name, description, subAttributes, { multiValued: true, ...overrides });

const typeAttr = (what: string, canonicalValues: string[]) =>
  attr('type', `A label indicating the ${what}'s function.`, { canonicalValues });

const primaryAttr = (what: string) =>
  attr('primary', `Whether this is the primary ${what}. The value true appears no more than once.`, { type: 'boolean' });

const externalId = attr('externalId', 'An identifier for the resource as defined by the provisioning client.', { caseExact: true });

export const USER_ATTRIBUTES: readonly SchemaAttribute[] = [
  attr('userName', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider.', {
    required: true,
    uniqueness: 'server',
  }),
  complex('name', "The components of the user's real name.", [
    attr('formatted', 'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.'),
    attr('familyName', 'The family name of the User, or last name in most Western languages.'),
    attr('givenName', 'The given name of the User, or first name in most Western languages.'),
    attr('middleName', 'The middle name(s) of the User.'),
    attr('honorificPrefix', "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.')."),
    attr('honorificSuffix', "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III')."),
  ]),
  attr('displayName', 'The name of the User, suitable for display to end-users.'),
  attr('nickName', 'The casual way to address the user in real life.'),
  attr('profileUrl', "A fully qualified URL pointing to a page representing the User's online profile.", {
    type: 'reference',
    referenceTypes: ['external'],
  }),
  attr('title', "The user's title, such as 'Vice President'."),
  attr('userType', 'Used to identify the relationship between the organization and the user.'),
  attr('preferredLanguage', "Indicates the User's preferred written or spoken language (e.g., 'en-US')."),
  attr('locale', "Used to indicate the User's default location for localizing currency, date and number formats (e.g., 'en-US')."),
  attr('timezone', "The User's time zone in the 'Olson' time zone database format (e.g., 'America/Los_Angeles')."),
  attr('active', "A Boolean value indicating the User's administrative status. false disables the user.", { type: 'boolean' }),
  attr('password', 'Accepted for compatibility and discarded: Gatehouse users sign in with their own password or SSO.', {
    mutability: 'writeOnly',
    returned: 'never',
  }),
  multi('emails', 'Email addresses for the user.', [
    attr('value', 'Email address for the user.'),
    attr('display', 'A human-readable name, primarily used for display purposes.'),
    typeAttr('email address', ['work', 'home', 'other']),
    primaryAttr('email address'),
  ]),
  multi('phoneNumbers', 'Phone numbers for the User.', [
    attr('value', 'Phone number of the User.'),
    attr('display', 'A human-readable name, primarily used for display purposes.'),
    typeAttr('phone number', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    primaryAttr('phone number'),
  ]),
  multi('addresses', 'A physical mailing address for this User.', [
    attr('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
    attr(
      'streetAddress',
      'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.',
    ),
    attr('locality', 'The city or locality component.'),
    attr('region', 'The state or region component.'),
    attr('postalCode', 'The zip code or postal code component.'),
    attr('country', 'The country name component, in ISO 3166-1 alpha-2 format.'),
    typeAttr('address', ['work', 'home', 'other']),
    primaryAttr('mailing address'),
  ]),
  multi(
    'groups',
    'A list of groups to which the user belongs, either through direct membership or through nested groups. Managed through the Group resource.',
    [
      attr('value', "The identifier of the User's group.", { mutability: 'readOnly' }),
      attr('$ref', "The URI of the corresponding 'Group' resource to which the user belongs.", {
        type: 'reference',
        referenceTypes: ['User', 'Group'],
        mutability: 'readOnly',
      }),
      attr('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
      attr('type', "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", {
        canonicalValues: ['direct', 'indirect'],
        mutability: 'readOnly',
      }),
    ],
    { mutability: 'readOnly' },
  ),
  multi('roles', 'A list of roles for the User that collectively represent who the User is.', [
    attr('value', 'The value of a role.'),
    attr('display', 'A human-readable name, primarily used for display purposes.'),
    attr('type', "A label indicating the role's function."),
    primaryAttr('role'),
  ]),
  externalId,
];

export const ENTERPRISE_USER_ATTRIBUTES: readonly SchemaAttribute[] = [
  attr(
    'employeeNumber',
    'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
  ),
  attr('costCenter', 'Identifies the name of a cost center.'),
  attr('organization', 'Identifies the name of an organization.'),
  attr('division', 'Identifies the name of a division.'),
  attr('department', 'Identifies the name of a department.'),
  complex('manager', "The User's manager.", [
    attr('value', "The id of the SCIM resource representing the User's manager."),
    attr('$ref', "The URI of the SCIM resource representing the User's manager.", { type: 'reference', referenceTypes: ['User'] }),
    attr('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' }),
  ]),
];

export const GROUP_ATTRIBUTES: readonly SchemaAttribute[] = [
  attr('displayName', 'A human-readable name for the Group.', { required: true }),
  multi('members', 'A list of members of the Group.', [
    attr('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
    attr('$ref', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
      type: 'reference',
      referenceTypes: ['User', 'Group'],
      mutability: 'immutable',
    }),
    attr('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
    attr('type', 'A label indicating the type of resource, e.g., "User" or "Group".', {
      canonicalValues: ['User', 'Group'],
      mutability: 'immutable',
    }),
  ]),
  externalId,
];

const SCHEMAS = [
  { id: USER_SCHEMA, name: 'User', description: 'User Account', attributes: USER_ATTRIBUTES },
  { id: ENTERPRISE_USER_SCHEMA, name: 'EnterpriseUser', description: 'Enterprise User', attributes: ENTERPRISE_USER_ATTRIBUTES },
  { id: GROUP_SCHEMA, name: 'Group', description: 'Group', attributes: GROUP_ATTRIBUTES },
];

/** The resources of GET /Schemas, each also served at /Schemas/{id}. */
export function schemaResources(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');
  return SCHEMAS.map((s) => ({
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  }));
}

/** Attribute names are case-insensitive (RFC 7643 §2.1); this returns the canonical definition. */
export function findAttribute(schemaAttrs: readonly SchemaAttribute[], name: string): SchemaAttribute | undefined {
  const wanted = name.toLowerCase();
  return schemaAttrs.find((a) => a.name.toLowerCase() === wanted);
}
