import { describe, expect, it } from 'vitest';
import { expressionAt, splitTemplate } from './template';

const fail = (message: string) => new RangeError(message);
const split = (template: string) => splitTemplate(template, (source) => source.toUpperCase(), fail);

describe('the {{ }} template parser', () => {
  it('splits text and trimmed expressions, each parsed by the caller', () => {
    expect(split('Hi {{ a.b }}, {{c}}!')).toEqual([
      { text: 'Hi ' },
      { source: 'a.b', expr: 'A.B' },
      { text: ', ' },
      { source: 'c', expr: 'C' },
      { text: '!' },
    ]);
    expect(split('{{ x }}{{ y }}')).toEqual([
      { source: 'x', expr: 'X' },
      { source: 'y', expr: 'Y' },
    ]);
    expect(split('plain')).toEqual([{ text: 'plain' }]);
    expect(split('')).toEqual([]);
  });

  it('reads to the first "}}" and leaves a lone "}}" in text to the caller', () => {
    expect(split('{{ {a: 1}}} }}')).toEqual([{ source: '{a: 1', expr: '{A: 1' }, { text: '} }}' }]);
    expect(split('{"a":{"b":1}}')).toEqual([{ text: '{"a":{"b":1}}' }]);
    expect(split('{{}}')).toEqual([{ source: '', expr: '' }]);
  });

  it('refuses a "{{" never closed with the caller’s error, naming its position', () => {
    expect(() => split('ab {{ c')).toThrow(new RangeError('"{{" at character 4 has no closing "}}".'));
    expect(() => split('{{ a }} {{ b')).toThrow(/character 9/);
  });

  it('passes the parser’s own errors through', () => {
    expect(() =>
      splitTemplate(
        '{{ bad }}',
        () => {
          throw new TypeError('no');
        },
        fail,
      ),
    ).toThrow(TypeError);
  });

  it('reads one expression where a caller found its "{{"', () => {
    expect(expressionAt("select {{ x }} || 'y'", 7, fail)).toEqual({ source: 'x', end: 14 });
    expect(() => expressionAt('select {{ x', 7, fail)).toThrow(/character 8 has no closing/);
  });
});
