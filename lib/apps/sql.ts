// SQL queries with `{{ … }}`: each expression becomes a bind parameter ($1, $2…), never SQL text.
// An expression inside a quoted literal, a quoted identifier or a comment is refused, since it
// could only work by splicing text; concatenate instead ('%' || {{ x }} || '%').
import { expressionAt } from '@/lib/template';
import { ExpressionError, evaluate, parseTemplateExpression, templateError, type Node, type Scope } from './expressions';

export type SqlTemplate = { strings: string[]; expressions: { source: string; node: Node }[] };

export type CompiledSql = {
  /** The statement with $1…$n in place of the expressions. */
  text: string;
  /** The SQL around the parameters (one more than `values`), for drivers that number parameters themselves. */
  strings: string[];
  values: unknown[];
  /** Each parameter's expression source, in order. */
  sources: string[];
};

/** Splits SQL into text and expressions, refusing `{{ }}` inside literals and comments. */
export function parseSqlTemplate(sqlText: string): SqlTemplate {
  const strings: string[] = [];
  const expressions: SqlTemplate['expressions'] = [];
  let chunk = '';
  let i = 0;
  const refuse = (where: string) => {
    throw new ExpressionError(
      `{{ }} cannot be used inside ${where} (character ${i + 1}); write it as a value, e.g. '%' || {{ search }} || '%'.`,
    );
  };
  const scanUntil = (end: string, where: string) => {
    const close = sqlText.indexOf(end, i);
    const stop = close < 0 ? sqlText.length : close + end.length;
    const body = sqlText.slice(i, stop);
    const inner = body.indexOf('{{');
    if (inner >= 0) {
      i += inner;
      refuse(where);
    }
    chunk += body;
    i = stop;
  };
  while (i < sqlText.length) {
    const rest = sqlText.slice(i);
    if (rest.startsWith('{{')) {
      const { source, end } = expressionAt(sqlText, i, templateError);
      strings.push(chunk);
      expressions.push({ source, node: parseTemplateExpression(source) });
      chunk = '';
      i = end;
    } else if (rest.startsWith("'")) {
      chunk += "'";
      i++;
      // '' inside a literal is an escaped quote: scanning to the next quote handles it as two literals.
      scanUntil("'", 'a quoted string');
    } else if (rest.startsWith('"')) {
      chunk += '"';
      i++;
      scanUntil('"', 'a quoted identifier');
    } else if (rest.startsWith('--')) {
      scanUntil('\n', 'a comment');
    } else if (rest.startsWith('/*')) {
      scanUntil('*/', 'a comment');
    } else {
      const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
      if (dollar) {
        chunk += dollar[0];
        i += dollar[0].length;
        scanUntil(dollar[0], 'a dollar-quoted string');
      } else {
        chunk += sqlText[i];
        i++;
      }
    }
  }
  strings.push(chunk);
  return { strings, expressions };
}

/** A value as a bind parameter: scalars as they are, undefined as null, objects and arrays as JSON text. */
export function toParameter(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return JSON.stringify(value);
}

/** Compiles SQL with `{{ }}` over `scope` into a parameterized statement. */
export function compileSql(sqlText: string, scope: Scope): CompiledSql {
  const { strings, expressions } = parseSqlTemplate(sqlText);
  const values = expressions.map((e) => toParameter(evaluate(e.node, scope)));
  const text = strings.map((s, n) => (n < values.length ? `${s}$${n + 1}` : s)).join('');
  return { text, strings, values, sources: expressions.map((e) => e.source) };
}
