import { describe, expect, it } from 'vitest';
import { generateKeyringEntry, parseKeyring } from '@/lib/crypto/keyring';
import { parseExpression, referencedPaths } from './expressions';
import { hideParameter, isHiddenExpression, matchesHiddenParameter, textForms } from './hidden';

const hidden = (src: string, list: string[]) => isHiddenExpression(referencedPaths(parseExpression(src)), list);

describe('hidden parameters', () => {
  it.each([
    ['password.value', ['password'], true],
    ['password.value', ['password.value'], true],
    ['password', ['password.value'], true],
    ["'x' + password.value.trim()", ['password.value'], true],
    ['passwordHint.value', ['password'], false],
    ['current_user.email', ['password'], false],
    ['form1.data.ssn', ['form1.data.ssn'], true],
    ['form1.data.name', ['form1.data.ssn'], false],
  ])('%s with %j hidden → %s', (src, list, expected) => {
    expect(hidden(src, list)).toBe(expected);
  });

  it('stores [hidden] and an HMAC that matches only the same value in the same organization, under any key still in the keyring', () => {
    const old = generateKeyringEntry('k1');
    const ring1 = parseKeyring(old);
    const h = hideParameter('org-a', 'hunter2', ring1);
    expect(h.value).toBe('[hidden]');
    expect(h.hmac).toMatch(/^hmac-sha256:k1:[0-9a-f]{64}$/);
    expect(JSON.stringify(h)).not.toContain('hunter2');
    expect(matchesHiddenParameter('org-a', h.hmac, 'hunter2', ring1)).toBe(true);
    expect(matchesHiddenParameter('org-a', h.hmac, 'hunter3', ring1)).toBe(false);
    expect(matchesHiddenParameter('org-b', h.hmac, 'hunter2', ring1)).toBe(false);
    const rotated = parseKeyring(`${old},${generateKeyringEntry('k2')}`);
    expect(matchesHiddenParameter('org-a', h.hmac, 'hunter2', rotated)).toBe(true);
    expect(hideParameter('org-a', 'hunter2', rotated).hmac).toMatch(/^hmac-sha256:k2:/);
    expect(matchesHiddenParameter('org-a', h.hmac, 'hunter2', parseKeyring(generateKeyringEntry('k2')))).toBe(false);
    expect(matchesHiddenParameter('org-a', 'garbage', 'hunter2', ring1)).toBe(false);
  });

  it('lists the forms a value could take in a message', () => {
    expect(textForms({ a: 'p w', n: 42 })).toEqual(expect.arrayContaining(['{"a":"p w","n":42}', 'p w', '42', 'p%20w', '"p w"']));
  });
});
