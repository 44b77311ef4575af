import { describe, expect, it } from 'vitest';
import { ExpressionError } from './expressions';
import { compileSql } from './sql';

const scope = {
  current_user: { email: "o'brien@example.test" },
  search: { value: "x'; drop table orders; --" },
  n: { value: 5 },
  tags: { value: ['a', 'b'] },
};

describe('compileSql', () => {
  it('turns every {{ }} into a bind parameter, never SQL text', () => {
    const c = compileSql(
      'select * from orders where email = {{ current_user.email }} and note like {{ search.value }} limit {{ n.value }}',
      scope,
    );
    expect(c.text).toBe('select * from orders where email = $1 and note like $2 limit $3');
    expect(c.values).toEqual(["o'brien@example.test", "x'; drop table orders; --", 5]);
    expect(c.sources).toEqual(['current_user.email', 'search.value', 'n.value']);
    expect(c.text).not.toContain('drop');
  });

  it('keeps literals, comments and dollar quotes as written', () => {
    const c = compileSql("select 'it''s', $$a {b}$$, \"col\" -- note\nfrom t where a = {{ n.value }} /* c */", scope);
    expect(c.text).toBe("select 'it''s', $$a {b}$$, \"col\" -- note\nfrom t where a = $1 /* c */");
  });

  it.each([
    ["select '%{{ search.value }}%'", /quoted string/],
    ['select 1 -- {{ search.value }}', /comment/],
    ['select /* {{ n.value }} */ 1', /comment/],
    ['select "{{ n.value }}"', /quoted identifier/],
    ['select $q${{ n.value }}$q$', /dollar-quoted/],
    ["select 'it''s {{ n.value }}'", /quoted string/],
  ])('refuses {{ }} inside literals and comments: %s', (sql, message) => {
    expect(() => compileSql(sql, scope)).toThrow(message);
  });

  it('sends arrays and objects as JSON text and undefined as null', () => {
    const c = compileSql('select {{ tags.value }}::jsonb, {{ missing }}', scope);
    expect(c.values).toEqual(['["a","b"]', null]);
  });

  it('reports bad expressions with their source', () => {
    expect(() => compileSql('select {{ a + }}', scope)).toThrow(ExpressionError);
    expect(() => compileSql('select {{ a', scope)).toThrow(/no closing/);
  });
});
