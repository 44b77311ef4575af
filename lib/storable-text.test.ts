import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText, printable } from './storable-text';

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, and keeps everything else', () => {
    for (const ok of ['', 'Ada', 'Zoë 日本 👩‍💻', '\u0001\u001f tab\t', '\ufffd', 'a\ud83d\udc69b']) expect(isStorableText(ok)).toBe(true);
    for (const bad of ['a\u0000b', '\u0000', 'a\ud800', '\ud800b', 'a\udc00', '\udc00\ud800', 'ok\ud83d'])
      expect(isStorableText(bad)).toBe(false);
    expect(printable('a\u0000b\ud800')).toBe('a\ufffdb\ufffd');
  });

  it('names the first unstorable string or key in a JSON value', () => {
    expect(findUnstorableText({ name: { givenName: 'Ada' }, emails: [{ value: 'a@b.c' }], n: 1, t: true, z: null })).toBeNull();
    expect(findUnstorableText({ name: { givenName: 'Ada\u0000' } })).toBe('name.givenName');
    expect(findUnstorableText({ emails: [{ value: 'x' }, { value: '\ud800' }] })).toBe('emails[1].value');
    expect(findUnstorableText({ ['bad\u0000key']: 1 })).toBe('bad\ufffdkey');
    expect(findUnstorableText('\u0000')).toBe('(the body)');
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)).toMatch(/^\[0\]/);
  });
});
