import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, templateRefs } from './template';

describe('resource configuration templates', () => {
  it('splits text and the two allowed references', () => {
    expect(parseTemplate('postgres://{{ environment.variables.DB_USER }}:{{secrets.DB_PASS}}@db', 'URL')).toEqual([
      { text: 'postgres://' },
      { ref: { root: 'variables', name: 'DB_USER' } },
      { text: ':' },
      { ref: { root: 'secrets', name: 'DB_PASS' } },
      { text: '@db' },
    ]);
    expect(parseTemplate('plain', 'Host')).toEqual([{ text: 'plain' }]);
    expect(parseTemplate('', 'Host')).toEqual([]);
  });

  it.each([
    ['{{ current_user.email }}', /not allowed here/],
    ['{{ secrets }}', /not allowed here/],
    ['{{ secrets.A.B }}', /not allowed here/],
    ['{{ environment.variables }}', /not allowed here/],
    ["{{ secrets['A'] }}", /not allowed here/],
    ['{{ process.env.HOME }}', /not allowed here/],
    ['{{ 1 + 1 }}', /not allowed here/],
    ['{{ secrets.A', /"\{\{" at character 1 has no closing "\}\}"/],
    ['a }} b', /no "\{\{"/],
    ['{{ secrets.9x }}', /not allowed here/],
  ])('refuses %s', (value, message) => {
    expect(() => parseTemplate(value, 'Host')).toThrow(message);
  });

  it('treats every name as data to look up, never a property of an object', () => {
    expect(templateRefs('{{ secrets.constructor }}', 'Host')).toEqual([{ root: 'secrets', name: 'constructor' }]);
    expect(() => templateRefs('{{ environment.variables.__proto__ }}', 'Host')).toThrow(/not allowed here/);
  });

  it('names the field in its errors and substitutes through the lookup only', async () => {
    expect(() => parseTemplate('{{ app.x }}', 'Base URL')).toThrow(/^Base URL: /);
    const seen: string[] = [];
    const out = await renderTemplate('{{ secrets.A }}-{{ environment.variables.B }}-{{ secrets.A }}', 'X', async (ref) => {
      seen.push(`${ref.root}.${ref.name}`);
      return ref.name === 'A' ? '{{ secrets.B }}' : 'b';
    });
    // A value that looks like a template is data, not parsed again.
    expect(out).toBe('{{ secrets.B }}-b-{{ secrets.B }}');
    expect(seen).toEqual(['secrets.A', 'variables.B', 'secrets.A']);
  });
});
