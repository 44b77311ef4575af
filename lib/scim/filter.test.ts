import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { compileFilter, parseDateTime, parseFilter, parsePath, type FilterAttributes, type FilterNode } from './filter';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:';

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter', () => {
  it('parses the RFC 7644 examples', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({ op: 'eq', attr: 'username', value: 'bjensen' });
    expect(parseFilter('name.familyName co "O\'Malley"')).toEqual({ op: 'co', attr: 'name.familyname', value: "O'Malley" });
    expect(parseFilter('userName sw "J"')).toEqual({ op: 'sw', attr: 'username', value: 'J' });
    expect(parseFilter('title pr')).toEqual({ op: 'pr', attr: 'title' });
    expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual({
      op: 'gt',
      attr: 'meta.lastmodified',
      value: '2011-05-13T04:42:34Z',
    });
    expect(parseFilter('title pr and userType eq "Employee"')).toEqual({
      op: 'and',
      left: { op: 'pr', attr: 'title' },
      right: { op: 'eq', attr: 'usertype', value: 'Employee' },
    });
    expect(parseFilter('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")')).toEqual({
      op: 'and',
      left: { op: 'eq', attr: 'usertype', value: 'Employee' },
      right: {
        op: 'or',
        left: { op: 'co', attr: 'emails', value: 'example.com' },
        right: { op: 'co', attr: 'emails.value', value: 'example.org' },
      },
    });
    expect(parseFilter('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")')).toMatchObject({
      op: 'and',
      right: { op: 'not', expr: { op: 'or' } },
    });
    expect(parseFilter('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]')).toEqual({
      op: 'or',
      left: {
        op: 'valuePath',
        attr: 'emails',
        filter: { op: 'and', left: { op: 'eq', attr: 'type', value: 'work' }, right: { op: 'co', attr: 'value', value: '@example.com' } },
      },
      right: {
        op: 'valuePath',
        attr: 'ims',
        filter: { op: 'and', left: { op: 'eq', attr: 'type', value: 'xmpp' }, right: { op: 'co', attr: 'value', value: '@foo.com' } },
      },
    });
  });

  it('binds and tighter than or, left to right', () => {
    const a = { op: 'pr', attr: 'a' } as const;
    const b = { op: 'pr', attr: 'b' } as const;
    const c = { op: 'pr', attr: 'c' } as const;
    expect(parseFilter('a pr or b pr and c pr')).toEqual({ op: 'or', left: a, right: { op: 'and', left: b, right: c } });
    expect(parseFilter('a pr and b pr or c pr')).toEqual({ op: 'or', left: { op: 'and', left: a, right: b }, right: c });
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual({ op: 'and', left: { op: 'or', left: a, right: b }, right: c });
    expect(parseFilter('a pr and b pr and c pr')).toEqual({ op: 'and', left: { op: 'and', left: a, right: b }, right: c });
    expect(parseFilter('not (a pr) and b pr')).toEqual({ op: 'and', left: { op: 'not', expr: a }, right: b });
    expect(parseFilter('not(not(a pr))')).toEqual({ op: 'not', expr: { op: 'not', expr: a } });
    expect(parseFilter('  ((a pr))  ')).toEqual(a);
  });

  it('reads keywords and operators in any case', () => {
    expect(parseFilter('userName EQ "x" AND active Eq TRUE OR title PR')).toEqual({
      op: 'or',
      left: { op: 'and', left: { op: 'eq', attr: 'username', value: 'x' }, right: { op: 'eq', attr: 'active', value: true } },
      right: { op: 'pr', attr: 'title' },
    });
    expect(parseFilter('NOT (title Pr)')).toEqual({ op: 'not', expr: { op: 'pr', attr: 'title' } });
    expect(parseFilter('x eq False')).toMatchObject({ value: false });
    expect(parseFilter('x eq NULL')).toMatchObject({ value: null });
  });

  it('keeps keyword-like attribute names apart from keywords', () => {
    expect(parseFilter('userName pr and notes eq "x"')).toEqual({
      op: 'and',
      left: { op: 'pr', attr: 'username' },
      right: { op: 'eq', attr: 'notes', value: 'x' },
    });
    expect(parseFilter('order eq "x"')).toEqual({ op: 'eq', attr: 'order', value: 'x' });
    expect(parseFilter('not eq "x"')).toEqual({ op: 'eq', attr: 'not', value: 'x' });
  });

  it('normalizes URN paths: core prefix stripped, extension prefix kept', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toEqual({ op: 'eq', attr: 'username', value: 'a' });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "a"')).toMatchObject({ attr: 'name.givenname' });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "a"')).toMatchObject({ attr: 'displayname' });
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"')).toEqual({
      op: 'eq',
      attr: `${ENT}employeenumber`,
      value: '7',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"')).toMatchObject({
      attr: `${ENT}manager.value`,
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]')).toMatchObject({
      op: 'valuePath',
      attr: 'emails',
    });
  });

  it('reads JSON strings with escapes, numbers, booleans and null', () => {
    expect(parseFilter(String.raw`displayName eq "a \"quoted\" \\ back\/slash \u00e9\n"`)).toMatchObject({
      value: 'a "quoted" \\ back/slash é\n',
    });
    expect(parseFilter('displayName eq ""')).toMatchObject({ value: '' });
    expect(parseFilter('displayName eq "and or not ) ( ]"')).toMatchObject({ value: 'and or not ) ( ]' });
    expect(parseFilter('n eq 42')).toMatchObject({ value: 42 });
    expect(parseFilter('n eq -1.5e3')).toMatchObject({ value: -1500 });
    expect(parseFilter('n eq 0')).toMatchObject({ value: 0 });
  });

  it('reads value paths, with a sub-attribute after the bracket', () => {
    expect(parseFilter('emails[type eq "work"]')).toEqual({
      op: 'valuePath',
      attr: 'emails',
      filter: { op: 'eq', attr: 'type', value: 'work' },
    });
    expect(parseFilter('emails[not (type eq "work") or primary eq true]')).toEqual({
      op: 'valuePath',
      attr: 'emails',
      filter: {
        op: 'or',
        left: { op: 'not', expr: { op: 'eq', attr: 'type', value: 'work' } },
        right: { op: 'eq', attr: 'primary', value: true },
      },
    });
    // emails[filter].value alone means the bracket filter …
    expect(parseFilter('emails[type eq "work"].value and userName pr')).toEqual({
      op: 'and',
      left: { op: 'valuePath', attr: 'emails', filter: { op: 'eq', attr: 'type', value: 'work' } },
      right: { op: 'pr', attr: 'username' },
    });
    // … and with a comparison it applies to the same element.
    expect(parseFilter('emails[type eq "work"].value co "@x.com"')).toEqual({
      op: 'valuePath',
      attr: 'emails',
      filter: { op: 'and', left: { op: 'eq', attr: 'type', value: 'work' }, right: { op: 'co', attr: 'value', value: '@x.com' } },
    });
    expect(parseFilter('members[value eq "a"] or members[value eq "b"]')).toMatchObject({ op: 'or' });
  });

  it('accepts exactly 1,000 characters and 20 levels', () => {
    const long = `userName eq "${'a'.repeat(1000 - 14)}"`;
    expect(long).toHaveLength(1000);
    expect(parseFilter(long)).toMatchObject({ op: 'eq' });
    expect(parseFilter(`${'('.repeat(20)}a pr${')'.repeat(20)}`)).toEqual({ op: 'pr', attr: 'a' });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['userName', 'expected an operator'],
    ['userName equals "x"', 'found "equals"'],
    ['userName eq', 'expected a value'],
    ['userName eq bjensen', 'found "bjensen"'],
    ["userName eq 'bjensen'", 'found "\'"'],
    ['userName eq "unterminated', 'unterminated'],
    ['userName eq "bad \\x escape"', 'invalid escape'],
    ['userName eq "x" and', 'expected an attribute name'],
    ['userName eq "x" userName eq "y"', 'unexpected "userName"'],
    ['(userName pr', 'expected ")"'],
    ['userName pr)', 'unexpected ")"'],
    ['not userName pr', 'after "not" at position 5, found "userName"'],
    ['emails[type eq "work"', 'expected "]"'],
    ['emails[type eq "work"]]', 'unexpected "]"'],
    ['emails[type[value eq "x"]]', 'cannot be nested'],
    ['emails[name.givenName eq "x"]', 'sub-attribute names'],
    ['emails[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:type eq "x"]', 'sub-attribute names'],
    ['name.givenName[value eq "x"]', 'multi-valued'],
    ['a.b.c eq "x"', 'not a valid attribute path'],
    ['name. eq "x"', 'not a valid attribute path'],
    ['urn:ietf:params:scim:schemas:core:2.0:User: eq "x"', 'not a valid attribute path'],
    ['1abc eq "x"', 'expected an attribute name'],
    ['userName eq 01', 'expected a value'],
    ['emails[type eq "work"].', 'sub-attribute name'],
    ['userName eq "x" & title pr', 'unexpected "&"'],
  ])('rejects %j (%s)', (text, message) => {
    const err = scimError(() => parseFilter(text));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe('invalidFilter');
    expect(err.message).toContain(message);
  });

  it('names the position of the problem', () => {
    expect(scimError(() => parseFilter('userName eq "x" and title xx "y"')).message).toBe(
      'Invalid filter: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after "title" at position 27, found "xx".',
    );
  });

  it('limits length and nesting', () => {
    expect(scimError(() => parseFilter(`userName eq "${'a'.repeat(1000)}"`)).message).toContain('the limit is 1000');
    expect(scimError(() => parseFilter(`${'('.repeat(21)}a pr${')'.repeat(21)}`)).message).toContain('more than 20 levels');
    expect(scimError(() => parseFilter(`${'not ('.repeat(21)}a pr${')'.repeat(21)}`)).scimType).toBe('invalidFilter');
    // Deep input fails with a SCIM error, not a stack overflow.
    expect(scimError(() => parseFilter('('.repeat(999))).scimType).toBe('invalidFilter');
  });
});

describe('parsePath', () => {
  it('parses attribute, sub-attribute, value filter and URN paths', () => {
    expect(parsePath('active')).toEqual({ text: 'active', attr: 'active', filter: null, subAttr: null });
    expect(parsePath('name.givenName')).toEqual({ text: 'name.givenName', attr: 'name', filter: null, subAttr: 'givenname' });
    expect(parsePath('emails[type eq "work"].value')).toEqual({
      text: 'emails[type eq "work"].value',
      attr: 'emails',
      filter: { op: 'eq', attr: 'type', value: 'work' },
      subAttr: 'value',
    });
    expect(parsePath('members[value eq "2819c223"]')).toMatchObject({ attr: 'members', subAttr: null, filter: { value: '2819c223' } });
    expect(parsePath('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName')).toMatchObject({ attr: 'name', subAttr: 'familyname' });
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager')).toMatchObject({
      attr: `${ENT}manager`,
      subAttr: null,
    });
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value')).toMatchObject({
      attr: `${ENT}manager`,
      subAttr: 'value',
    });
    expect(parsePath('members.$ref')).toMatchObject({ attr: 'members', subAttr: '$ref' });
  });

  it.each([
    '',
    'emails[type eq "work"',
    'emails[type eq "work"].',
    'name.givenName.x',
    'name givenName',
    'emails[type eq work]',
    'a[b eq "1"][c pr]',
    'name.givenName[value pr]',
  ])('rejects %j as invalidPath', (text) => {
    const err = scimError(() => parsePath(text));
    expect(err.scimType).toBe('invalidPath');
    expect(err.message).toContain(`Invalid path "${text}"`);
  });
});

describe('parseDateTime', () => {
  it('normalizes ISO 8601 to UTC', () => {
    expect(parseDateTime('2011-05-13T04:42:34Z')).toBe('2011-05-13T04:42:34.000Z');
    expect(parseDateTime('2011-05-13T04:42:34.1234567Z')).toBe('2011-05-13T04:42:34.123Z');
    expect(parseDateTime('2011-05-13T06:42:34+02:00')).toBe('2011-05-13T04:42:34.000Z');
    expect(parseDateTime('2011-05-13T00:42:34-0400')).toBe('2011-05-13T04:42:34.000Z');
    expect(parseDateTime('2011-05-13T04:42:34')).toBe('2011-05-13T04:42:34.000Z');
    expect(parseDateTime('2011-05-13')).toBe('2011-05-13T00:00:00.000Z');
    expect(parseDateTime('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  it.each([
    'yesterday',
    '2011-13-01T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2011-05-13T24:00:00Z',
    '2011-05-13T04:60:00Z',
    '13/05/2011',
    '2011-05-13T04:42:34+25:00',
    '',
  ])('rejects %j', (text) => expect(parseDateTime(text)).toBeNull());
});

describe('compileFilter', () => {
  const dialect = new PgDialect();
  const render = (filter: string, attrs: FilterAttributes = ATTRS) => {
    const { sql: text, params } = dialect.sqlToQuery(compileFilter(parseFilter(filter), attrs));
    return { sql: text, params };
  };

  const emailWrap = (c: SQL) => sql`exists (select 1 from user_emails e where e.user_id = u.id and ${c})`;
  const ATTRS: FilterAttributes = {
    username: { type: 'string', sql: sql`u.user_name` },
    externalid: { type: 'string', sql: sql`u.external_id`, caseExact: true },
    title: { type: 'string', sql: sql`u.title` },
    active: { type: 'boolean', sql: sql`u.active` },
    'meta.lastmodified': { type: 'dateTime', sql: sql`u.updated_at` },
    'emails.value': { type: 'string', sql: sql`e.value`, wrap: emailWrap },
    'emails.type': { type: 'string', sql: sql`e.type`, wrap: emailWrap },
    'emails.primary': { type: 'boolean', sql: sql`e.is_primary`, wrap: emailWrap },
    'members.value': {
      type: 'string',
      sql: sql`m.user_id::text`,
      caseExact: true,
      wrap: (c) => sql`exists (select 1 from members m where ${c})`,
    },
    'members.display': { type: 'string', sql: sql`mu.name`, wrap: (c) => sql`exists (select 1 from members_named mu where ${c})` },
    [`${ENT}employeenumber`]: { type: 'string', sql: sql`u.employee_number` },
  };

  it('compiles eq case-insensitively with the value bound', () => {
    expect(render('userName eq "BJensen"')).toEqual({ sql: 'lower(u.user_name) = lower($1::text)', params: ['BJensen'] });
  });

  it('compiles caseExact attributes without lower()', () => {
    expect(render('externalId eq "Ab1"')).toEqual({ sql: 'u.external_id = $1', params: ['Ab1'] });
    expect(render('externalId sw "Ab"')).toEqual({ sql: "u.external_id like $1 escape '\\'", params: ['Ab%'] });
  });

  it('compiles ne as IS DISTINCT FROM so missing values count as not equal', () => {
    expect(render('title ne "Boss"')).toEqual({ sql: 'lower(u.title) is distinct from lower($1::text)', params: ['Boss'] });
    expect(render('active ne true')).toEqual({ sql: 'u.active is distinct from $1', params: [true] });
  });

  it('compiles co, sw and ew to LIKE with wildcards in the value escaped', () => {
    expect(render('userName co "a%b_c\\\\d"')).toEqual({
      sql: "lower(u.user_name) like lower($1::text) escape '\\'",
      params: ['%a\\%b\\_c\\\\d%'],
    });
    expect(render('userName sw "j"').params).toEqual(['j%']);
    expect(render('userName ew "@x.com"').params).toEqual(['%@x.com']);
  });

  it('compiles pr as not null and, for strings, not empty', () => {
    expect(render('title pr').sql).toBe("(u.title is not null and u.title <> '')");
    expect(render('active pr').sql).toBe('u.active is not null');
    expect(render('meta.lastModified pr').sql).toBe('u.updated_at is not null');
  });

  it('compiles eq null as "not present" and ne null as present', () => {
    expect(render('title eq null')).toEqual({ sql: "(u.title is null or u.title = '')", params: [] });
    expect(render('title ne null').sql).toBe("(u.title is not null and u.title <> '')");
    expect(render('active eq null').sql).toBe('u.active is null');
  });

  it('accepts true/false and the strings Entra sends for booleans', () => {
    expect(render('active eq true')).toEqual({ sql: 'u.active = $1', params: [true] });
    expect(render('active eq "False"')).toEqual({ sql: 'u.active = $1', params: [false] });
    expect(render('active eq "TRUE"').params).toEqual([true]);
  });

  it('compiles dateTime comparisons against a bound, normalized timestamp', () => {
    expect(render('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual({
      sql: 'u.updated_at > cast($1 as timestamptz)',
      params: ['2011-05-13T04:42:34.000Z'],
    });
    expect(render('meta.lastModified le "2011-05-13T06:42:34+02:00"')).toEqual({
      sql: 'u.updated_at <= cast($1 as timestamptz)',
      params: ['2011-05-13T04:42:34.000Z'],
    });
    expect(render('meta.lastModified ne "2011-05-13"').sql).toBe('u.updated_at is distinct from cast($1 as timestamptz)');
  });

  it('compiles and, or and not with NULLs treated as false', () => {
    expect(render('title eq "x" or not (userName sw "a" and active eq true)')).toEqual({
      sql: "(lower(u.title) = lower($1::text) or not coalesce((lower(u.user_name) like lower($2::text) escape '\\' and u.active = $3), false))",
      params: ['x', 'a%', true],
    });
  });

  it('wraps a value filter once when its attributes share a wrap, so both apply to one element', () => {
    expect(render('emails[type eq "work" and value co "@x.com"]')).toEqual({
      sql: "exists (select 1 from user_emails e where e.user_id = u.id and (lower(e.type) = lower($1::text) and lower(e.value) like lower($2::text) escape '\\'))",
      params: ['work', '%@x.com%'],
    });
    expect(render('emails[type eq "work"].value co "@x.com"').sql).toBe(render('emails[type eq "work" and value co "@x.com"]').sql);
    expect(render('emails[primary eq true]').sql).toBe('exists (select 1 from user_emails e where e.user_id = u.id and e.is_primary = $1)');
  });

  it('wraps each condition separately when the wraps differ, and plain paths on their own', () => {
    expect(render('members[value eq "a" or display eq "b"]').sql).toBe(
      '(exists (select 1 from members m where m.user_id::text = $1) or exists (select 1 from members_named mu where lower(mu.name) = lower($2::text)))',
    );
    expect(render('emails.value ew "@x.com" and emails.type eq "work"').sql).toBe(
      "(exists (select 1 from user_emails e where e.user_id = u.id and lower(e.value) like lower($1::text) escape '\\') and exists (select 1 from user_emails e where e.user_id = u.id and lower(e.type) = lower($2::text)))",
    );
  });

  it('compiles enterprise extension attributes by their URN key', () => {
    expect(render('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"').sql).toBe(
      'lower(u.employee_number) = lower($1::text)',
    );
  });

  it('never puts values into the SQL text', () => {
    const evil = "x'; drop table users; --";
    const q = render(`userName eq ${JSON.stringify(evil)} or title co ${JSON.stringify(evil)} or emails[value sw ${JSON.stringify(evil)}]`);
    expect(q.sql).not.toContain('drop table');
    expect(q.sql).not.toContain("x'");
    expect(q.params).toEqual([evil, `%${evil}%`, `${evil}%`]);
  });

  it('names unknown attributes, including the resource and what can be filtered', () => {
    const err = scimError(() => compileFilter(parseFilter('foo eq "x"'), ATTRS));
    expect(err.scimType).toBe('invalidFilter');
    expect(err.message).toMatch(/^Unknown attribute "foo" in filter\. Filterable attributes are: username, externalid, /);
    const named = scimError(() => compileFilter(parseFilter('foo eq "x"'), { username: ATTRS.username! }, { resource: 'Users' }));
    expect(named.message).toBe('Unknown attribute "foo" in filter. Users can be filtered by: username.');
    expect(scimError(() => render('emails[display eq "x"]')).message).toContain('Unknown attribute "emails.display"');
    expect(scimError(() => render('name.givenName eq "x"')).message).toContain('"name.givenname"');
  });

  it('does not find attributes on the object prototype', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(scimError(() => render(`${name} eq "x"`)).message).toContain(`Unknown attribute "${name.toLowerCase()}"`);
    }
    // Not even an attribute name: names start with a letter (RFC 7643 §2.1).
    expect(scimError(() => render('__proto__ eq "x"')).scimType).toBe('invalidFilter');
  });

  it.each([
    ['userName gt "a"', 'only applies to dateTime'],
    ['userName eq 1', 'compare it to a "quoted string"'],
    ['userName eq true', 'compare it to a "quoted string"'],
    ['userName co null', 'only eq and ne'],
    ['active co "t"', 'only eq, ne and pr'],
    ['active gt true', 'only eq, ne and pr'],
    ['active eq "yes"', 'compare it to true or false'],
    ['active eq 1', 'compare it to true or false'],
    ['meta.lastModified co "2011"', 'does not apply'],
    ['meta.lastModified gt "yesterday"', 'ISO 8601'],
    ['meta.lastModified gt 1305261754', 'ISO 8601'],
    ['meta.lastModified gt null', 'only eq and ne'],
  ])('rejects %j (%s)', (text, message) => {
    const err = scimError(() => render(text));
    expect(err.scimType).toBe('invalidFilter');
    expect(err.message).toContain(message);
  });

  it('rejects a hand-built nested value path', () => {
    const node: FilterNode = { op: 'valuePath', attr: 'emails', filter: { op: 'valuePath', attr: 'x', filter: { op: 'pr', attr: 'y' } } };
    expect(scimError(() => compileFilter(node, ATTRS)).scimType).toBe('invalidFilter');
  });
});
