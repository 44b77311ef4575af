import { describe, expect, it } from 'vitest';
import {
  auditFilterOf,
  auditSearchQuery,
  bucketFor,
  decodeAuditCursor,
  encodeAuditCursor,
  parseAuditSearch,
  withFilterValue,
} from './filter';

const USER_ID = '0b6f7f4e-3c1a-4d0e-9a51-6f0c2d7e8a90';
const parse = (query: string) => parseAuditSearch(new URLSearchParams(query));

describe('parseAuditSearch', () => {
  it('reads every filter field', () => {
    const { search, notes } = parse(
      `range=7d&user=${USER_ID}&action=LOGIN&app=Billing&query=getInvoices&resource=Stripe&errors=1&ip=203.0.113.7&requestId=req-123_ab&q=50%25+off`,
    );
    expect(notes).toEqual([]);
    expect(search).toMatchObject({
      range: '7d',
      user: USER_ID,
      action: ['LOGIN'],
      app: 'Billing',
      query: 'getInvoices',
      resource: 'Stripe',
      errors: true,
      ip: '203.0.113.7',
      requestId: 'req-123_ab',
      q: '50% off',
    });
  });

  it('takes action types repeated and comma-separated, once each', () => {
    expect(parse('action=LOGIN,LOGOUT&action=LOGIN&action= CREATE_GROUP ').search.action).toEqual(['LOGIN', 'LOGOUT', 'CREATE_GROUP']);
  });

  it('accepts a plain object of params, as Next passes searchParams', () => {
    expect(parseAuditSearch({ action: ['LOGIN', 'LOGOUT'], q: 'x', user: undefined }).search).toMatchObject({
      action: ['LOGIN', 'LOGOUT'],
      q: 'x',
    });
  });

  it('reads errors only as 1/true/on, and 0/false as off', () => {
    expect(parse('errors=on').search.errors).toBe(true);
    expect(parse('errors=0').search.errors).toBe(false);
  });

  it('treats the empty fields of a submitted form as absent', () => {
    const { search, notes } = parse('range=&from=&to=&user=&app=&q=&ip=');
    expect(notes).toEqual([]);
    expect(search).toEqual({ action: [], errors: false });
  });

  it('drops invalid values with a note each, and keeps the rest', () => {
    const { search, notes } = parse('action=LOGIN&action=DROP_TABLES&range=2y&user=bob&ip=1.2.3.4;drop&errors=yes&q=kept&event=12a');
    expect(search).toEqual({ action: ['LOGIN'], errors: false, q: 'kept' });
    expect(notes).toEqual([
      'Ignored time range "2y": not one of 1h, 24h, 7d, 30d, 90d.',
      'Ignored user "bob": neither a user id nor an email.',
      'Ignored action type "DROP_TABLES": not a known action type.',
      'Ignored errors only "yes": use errors=1.',
      'Ignored IP address "1.2.3.4;drop": not an IP address.',
      'Ignored event "12a": not an event id.',
    ]);
  });

  it('drops text Postgres cannot store, showing it printable', () => {
    const { search, notes } = parse('app=Bill%00ing&q=50%00off&resource=Stripe');
    expect(search).toEqual({ action: [], errors: false, resource: 'Stripe' });
    expect(notes).toEqual(['Ignored app "Bill\ufffding": holds a NUL character.', 'Ignored text "50\ufffdoff": holds a NUL character.']);
  });

  it('reads From and To with or without an offset, as UTC when there is none', () => {
    const { search } = parse('from=2024-05-01T10:00&to=2024-05-02T12:30:00%2B02:00');
    expect(search.from?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(search.to?.toISOString()).toBe('2024-05-02T10:30:00.000Z');
  });

  it('drops dates Postgres cannot store', () => {
    expect(parse('from=0000-01-01T00:00Z&to=9999-12-31T24:00Z').notes).toEqual([
      'Ignored From "0000-01-01T00:00Z": out of range.',
      'Ignored To "9999-12-31T24:00Z": out of range.',
    ]);
  });

  it('drops a To that is not after From, once the fields themselves are valid', () => {
    const { search, notes } = parse('from=2024-05-02T00:00Z&to=2024-05-01T00:00Z&action=NOPE');
    expect(search.from?.toISOString()).toBe('2024-05-02T00:00:00.000Z');
    expect(search.to).toBeUndefined();
    expect(notes).toEqual(['Ignored action type "NOPE": not a known action type.', 'Ignored To "2024-05-01T00:00Z": not after From.']);
  });

  it('shortens long values in notes', () => {
    const { notes } = parse(`q=${'x'.repeat(201)}`);
    expect(notes).toEqual([`Ignored text "${'x'.repeat(40)}…": longer than 200 characters.`]);
  });
});

describe('page positions', () => {
  it('round-trip through an opaque, URL-safe string', () => {
    const cursor = { createdAt: new Date('2024-05-01T10:00:00.123Z'), id: '9007199254740993' };
    const s = encodeAuditCursor(cursor);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAuditCursor(s)).toEqual(cursor);
    expect(parse(`before=${s}`).search.before).toEqual(cursor);
  });

  it('refuse anything else', () => {
    expect(decodeAuditCursor('not a cursor')).toBeNull();
    expect(decodeAuditCursor(Buffer.from('1:2:3').toString('base64url'))).toBeNull();
    expect(decodeAuditCursor(Buffer.from('1:9223372036854775808').toString('base64url'))).toBeNull();
    expect(parse('event=9223372036854775808').notes).toEqual(['Ignored event "9223372036854775808": not an event id.']);
    expect(parse('after=%%%').notes).toEqual(['Ignored page position "%%%": not a page position.']);
  });
});

describe('auditFilterOf', () => {
  const now = new Date('2024-05-10T12:00:00Z');

  it('resolves a preset against now', () => {
    expect(auditFilterOf(parse('range=24h').search, now)).toMatchObject({ from: new Date('2024-05-09T12:00:00Z'), to: undefined });
  });

  it('lets explicit From and To win over a preset', () => {
    const f = auditFilterOf(parse('range=1h&to=2024-05-01T00:00Z').search, now);
    expect(f.from).toBeUndefined();
    expect(f.to).toEqual(new Date('2024-05-01T00:00:00Z'));
  });

  it('tells a user id from an email', () => {
    expect(auditFilterOf(parse(`user=${USER_ID.toUpperCase()}`).search)).toMatchObject({ userId: USER_ID, userEmail: undefined });
    expect(auditFilterOf(parse('user=Ada@Example.test').search)).toMatchObject({ userId: undefined, userEmail: 'Ada@Example.test' });
  });

  it('maps the remaining fields one to one and leaves the absent ones undefined', () => {
    expect(auditFilterOf(parse('errors=1&q=x&app=A&action=LOGIN').search, now)).toEqual({
      actionTypes: ['LOGIN'],
      userId: undefined,
      userEmail: undefined,
      from: undefined,
      to: undefined,
      requestId: undefined,
      app: 'A',
      query: undefined,
      resource: undefined,
      errorsOnly: true,
      ip: undefined,
      text: 'x',
    });
  });
});

describe('auditSearchQuery', () => {
  it('round-trips a search through its query string', () => {
    const query = `range=30d&user=${USER_ID}&action=LOGIN&action=LOGOUT&app=A+B&query=q&resource=r&errors=1&ip=%3A%3A1&requestId=r-1&q=a%26b%3Dc`;
    const { search } = parse(query);
    expect(auditSearchQuery(search)).toBe(query);
    expect(parse(auditSearchQuery(search)).search).toEqual(search);
  });

  it('drops the preset when From or To is set, and the position unless asked for', () => {
    const { search } = parse(`range=1h&from=2024-05-01T00:00Z&before=${encodeAuditCursor({ createdAt: new Date(0), id: '1' })}&event=7`);
    expect(auditSearchQuery(search)).toBe('from=2024-05-01T00%3A00%3A00.000Z');
    expect(auditSearchQuery(search, { event: '7' })).toBe('from=2024-05-01T00%3A00%3A00.000Z&event=7');
  });

  it('builds "filter by this value" links from the same search', () => {
    const { search } = parse('action=LOGIN&action=LOGOUT&q=x');
    expect(auditSearchQuery(withFilterValue(search, 'requestId', 'req-1'))).toBe('action=LOGIN&action=LOGOUT&requestId=req-1&q=x');
    expect(auditSearchQuery(withFilterValue(search, 'action', 'CREATE_GROUP'))).toBe('action=CREATE_GROUP&q=x');
  });
});

describe('bucketFor', () => {
  const at = (ms: number) => [new Date(0), new Date(ms)] as const;
  it('draws each preset in at most 100 bars: 5 minutes, an hour, then days', () => {
    expect(bucketFor(...at(3_600_000))).toBe('5 minutes');
    expect(bucketFor(...at(86_400_000))).toBe('1 hour');
    for (const days of [7, 30, 90]) expect(bucketFor(...at(days * 86_400_000))).toBe('1 day');
    expect(bucketFor(...at(400 * 86_400_000))).toBe('7 days');
  });
});
