import { describe, expect, it } from 'vitest';
import { securityTxt } from './security-txt';

describe('securityTxt', () => {
  it('lists each contact, expires 180 days after the start of the UTC day, and names its canonical URL', () => {
    const text = securityTxt(
      ['mailto:security@acme.test', 'https://acme.test/security'],
      new Date('2026-12-07T21:45:10.123Z'),
      'https://gatehouse.acme.test/',
    );
    expect(text).toBe(
      [
        'Contact: mailto:security@acme.test',
        'Contact: https://acme.test/security',
        'Expires: 2027-06-05T00:00:00Z',
        'Preferred-Languages: en',
        'Canonical: https://gatehouse.acme.test/.well-known/security.txt',
        '',
      ].join('\n'),
    );
  });

  it('leaves Canonical out when the public URL is unknown', () => {
    expect(securityTxt(['mailto:a@b.test'], new Date('2026-01-01T00:00:00Z'), null)).toBe(
      'Contact: mailto:a@b.test\nExpires: 2026-06-30T00:00:00Z\nPreferred-Languages: en\n',
    );
  });
});
