import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluate, evaluateTemplate, parseExpression, parseTemplate, referencedPaths } from './expressions';

const scope = {
  current_user: { email: 'ada@example.test', firstName: 'Ada', groups: ['Admin', 'Ops'], metadata: { region: 'eu' } },
  table1: { selectedRow: { id: 7, name: 'Widget' }, data: [{ id: 1 }, { id: 2 }] },
  textInput1: { value: ' Hello ' },
  count: 3,
};
const run = (src: string) => evaluate(parseExpression(src), scope);

describe('expressions', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 % 4', 2],
    ['-count + 1', -2],
    ["'a' + 1", 'a1'],
    ['current_user.email', 'ada@example.test'],
    ["current_user['firstName']", 'Ada'],
    ['current_user.groups[1]', 'Ops'],
    ['current_user.groups.length', 2],
    ['table1.data[1].id', 2],
    ['table1.selectedRow.id === 7 && count > 2', true],
    ['count >= 4 || !false', true],
    ["count > 2 ? 'many' : 'few'", 'many'],
    ['missing.deep.path', undefined],
    ["missing ?? 'fallback'", 'fallback'],
    ['textInput1.value.trim().toUpperCase()', 'HELLO'],
    ["current_user.groups.includes('Ops')", true],
    ["current_user.groups.join(' / ')", 'Admin / Ops'],
    ['String(count) + Number("4")', '34'],
    ['[1, 2][0]', 1],
    ['current_user.metadata.region', 'eu'],
    ['null == undefined', true],
    ['1 != 1', false],
    ['3.5.toFixed(1)', '3.5'],
  ])('%s', (src, expected) => {
    expect(run(src)).toEqual(expected);
  });

  it.each([
    'constructor',
    'current_user.constructor',
    "current_user['constructor']",
    "current_user['__proto__']",
    "current_user['con' + 'structor']",
    'current_user.__proto__',
    'current_user.email.constructor',
    "table1['prototype']",
    "''['constructor']['constructor']('return process')()",
    "[]['constructor']",
  ])('refuses prototype access: %s', (src) => {
    expect(() => run(src)).toThrow(ExpressionError);
  });

  it.each([
    'eval("1")',
    'Function("return 1")()',
    'current_user.email.replace("a", "b")',
    'current_user.toString()',
    'table1.data.map(x)',
    'current_user.groups.push(1)',
    'process.exit(1)',
    'globalThis',
  ])('refuses calls and globals outside the allow-list: %s', (src) => {
    let result: unknown;
    try {
      result = run(src);
    } catch (e) {
      expect(e).toBeInstanceOf(ExpressionError);
      return;
    }
    expect(result).toBeUndefined();
  });

  it('reads own properties only: inherited ones are undefined', () => {
    const proto = { secret: 'inherited' };
    const child = Object.create(proto) as Record<string, unknown>;
    expect(evaluate(parseExpression('x.secret'), { x: child })).toBeUndefined();
    expect(evaluate(parseExpression('x.hasOwnProperty'), { x: {} })).toBeUndefined();
    expect(evaluate(parseExpression('toString'), {})).toBeUndefined();
    expect(evaluate(parseExpression('x.fn'), { x: { fn: () => 1 } })).toBeUndefined();
  });

  it.each(['1 +', 'a..b', '(1', 'a[1', "'open", '1 ~ 2', '', 'a b', 'x = 1', 'x; y', '`t`', '() => 1'])(
    'rejects malformed %j with a clear error',
    (src) => {
      expect(() => parseExpression(src)).toThrow(ExpressionError);
    },
  );

  it('refuses deeply nested and over-long expressions', () => {
    expect(() => parseExpression('('.repeat(200) + '1' + ')'.repeat(200))).toThrow(/nested too deeply/);
    expect(() => parseExpression('1+'.repeat(1500) + '1')).toThrow(/at most/);
  });

  it('templates: one expression keeps its type, mixed text is text', () => {
    expect(evaluateTemplate('{{ count }}', scope)).toBe(3);
    expect(evaluateTemplate('Hi {{ current_user.firstName }}, {{ count }} items {{ table1.selectedRow }}', scope)).toBe(
      'Hi Ada, 3 items {"id":7,"name":"Widget"}',
    );
    expect(evaluateTemplate('plain', scope)).toBe('plain');
    expect(() => parseTemplate('a {{ b')).toThrow(/no closing/);
    expect(() => parseTemplate('{{ a + }}')).toThrow(/In \{\{ a \+ \}\}/);
  });

  it('lists the static paths an expression reads', () => {
    expect(referencedPaths(parseExpression("password.value.trim() + current_user['email'] + a[b]")).sort()).toEqual(
      ['a', 'b', 'current_user.email', 'password.value'].sort(),
    );
  });
});
