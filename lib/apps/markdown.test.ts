import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';

describe('markdown for text components', () => {
  it('parses headings, paragraphs, lists and code', () => {
    expect(
      parseMarkdown('# Orders\n\nHello **Vera**,\nsee *these*.\n\n- one\n- `two`\n\n1. first\n2. second\n\n```\nselect 1\n```'),
    ).toEqual([
      { t: 'h', level: 1, c: [{ t: 'text', v: 'Orders' }] },
      {
        t: 'p',
        c: [
          { t: 'text', v: 'Hello ' },
          { t: 'strong', c: [{ t: 'text', v: 'Vera' }] },
          { t: 'text', v: ', see ' },
          { t: 'em', c: [{ t: 'text', v: 'these' }] },
          { t: 'text', v: '.' },
        ],
      },
      { t: 'ul', items: [[{ t: 'text', v: 'one' }], [{ t: 'code', v: 'two' }]] },
      { t: 'ol', items: [[{ t: 'text', v: 'first' }], [{ t: 'text', v: 'second' }]] },
      { t: 'pre', v: 'select 1' },
    ]);
  });

  it('keeps HTML as text and only links to safe targets', () => {
    expect(parseMarkdown('<img src=x onerror=alert(1)>')).toEqual([{ t: 'p', c: [{ t: 'text', v: '<img src=x onerror=alert(1)>' }] }]);
    expect(parseInline('[docs](https://example.com/a) and [bad](javascript:alert(1))')).toEqual([
      { t: 'link', href: 'https://example.com/a', c: [{ t: 'text', v: 'docs' }] },
      { t: 'text', v: ' and [bad](javascript:alert(1))' },
    ]);
    expect(safeHref('//evil.example')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref('/apps')).toBe('/apps');
    expect(safeHref('mailto:a@b.test')).toBe('mailto:a@b.test');
  });
});
