import { describe, expect, it } from 'vitest';
import { acceptsGzip, scimRoute } from './node';

describe('scimRoute', () => {
  const dir = '2b1f6d0e-8d5c-4f4e-9a51-3d9c1b7e0a11';

  it('splits the directory id from the path and drops the query', () => {
    expect(scimRoute(`/api/scim/v2/${dir}/Users?filter=userName%20eq%20%22a%22`)).toEqual({ directoryId: dir, path: ['Users'] });
    expect(scimRoute(`/api/scim/v2/${dir}/Users/abc`)).toEqual({ directoryId: dir, path: ['Users', 'abc'] });
    expect(scimRoute(`/api/scim/v2/${dir}`)).toEqual({ directoryId: dir, path: [] });
  });

  it('ignores empty segments, as a trailing slash sends', () => {
    expect(scimRoute(`/api/scim/v2/${dir}/Users/`)).toEqual({ directoryId: dir, path: ['Users'] });
    expect(scimRoute(`/api/scim/v2//${dir}//Groups`)).toEqual({ directoryId: dir, path: ['Groups'] });
  });

  it('decodes each segment once, so an escaped slash stays inside its segment', () => {
    expect(scimRoute(`/api/scim/v2/${dir}/Users/a%2Fb%20c`)).toEqual({ directoryId: dir, path: ['Users', 'a/b c'] });
  });

  it('finds no route without a directory id, outside the prefix, or with malformed escapes', () => {
    expect(scimRoute('/api/scim/v2/')).toBeNull();
    expect(scimRoute('/api/scim/v2?x=1')).toBeNull();
    expect(scimRoute('/api/v1/users')).toBeNull();
    expect(scimRoute(`/api/scim/v2/${dir}/Users/%E0%A4%A`)).toBeNull(); // malformed escape
  });
});

describe('acceptsGzip', () => {
  it('reads the names and q-values of Accept-Encoding', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip; q=0.000')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('x-gzip-ish')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
