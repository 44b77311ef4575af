// The read-only discovery endpoints (RFC 7644 §4): what this server supports, described so an
// IdP's "test connection" and a human with curl both learn the same thing.
import { MAX_FILTER_LENGTH } from './filter';
import { MAX_BODY_BYTES, MAX_PAGE_SIZE } from './resource';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, schemaResources, USER_SCHEMA } from './schemas';
import { MAX_PATCH_OPERATIONS } from './patch';

function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${baseUrl.replace(/\/api\/scim\/v2\/.*$/, '')}/settings/scim`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The directory token from Settings → SCIM, as "Authorization: Bearer <token>".',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    // Not part of the RFC's schema, but what an admin debugging limits wants to read.
    'urn:gatehouse:limits': {
      maxBodyBytes: MAX_BODY_BYTES,
      maxPatchOperations: MAX_PATCH_OPERATIONS,
      maxFilterLength: MAX_FILTER_LENGTH,
      maxCount: MAX_PAGE_SIZE,
    },
  };
}

function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'Gatehouse users of this organization',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Permission groups of this organization (not the built-in Admin and All Users)',
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

const list = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

/**
 * The body for a discovery path: undefined when `collection` is not a discovery endpoint, null
 * when the id is unknown.
 */
export function discovery(baseUrl: string, collection: string | undefined, id: string | undefined): unknown {
  switch (collection) {
    case 'ServiceProviderConfig':
      return id === undefined ? serviceProviderConfig(baseUrl) : null;
    case 'ResourceTypes': {
      const all = resourceTypes(baseUrl);
      return id === undefined ? list(all) : (all.find((r) => r.id === id) ?? null);
    }
    case 'Schemas': {
      const all = schemaResources(baseUrl) as { id: string }[];
      return id === undefined ? list(all) : (all.find((s) => s.id === id) ?? null);
    }
    default:
      return undefined;
  }
}
