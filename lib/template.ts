// `{{ … }}` templates, read one way everywhere: literal text and the expressions between double
// braces. What an expression may say is the caller's: the app expression language
// (lib/apps/expressions.ts, and SQL in lib/apps/sql.ts) or the two references of resource
// configuration (lib/secrets/template.ts). Text is never evaluated here.

/** Literal text, or one expression: its source between the braces (trimmed) and what `parse` made of it. */
export type TemplatePart<E> = { text: string } | { source: string; expr: E };

/**
 * The `{{ … }}` that opens at `open` in `template`: its trimmed source and the index after its
 * `}}`. A `{{` never closed is refused with `fail(message)`.
 */
export function expressionAt(template: string, open: number, fail: (message: string) => Error): { source: string; end: number } {
  const close = template.indexOf('}}', open + 2);
  if (close < 0) throw fail(`"{{" at character ${open + 1} has no closing "}}".`);
  return { source: template.slice(open + 2, close).trim(), end: close + 2 };
}

/** Splits `template` into literal text and expressions, each parsed by `parse` from its source. */
export function splitTemplate<E>(template: string, parse: (source: string) => E, fail: (message: string) => Error): TemplatePart<E>[] {
  const parts: TemplatePart<E>[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      parts.push({ text: template.slice(i) });
      break;
    }
    if (open > i) parts.push({ text: template.slice(i, open) });
    const { source, end } = expressionAt(template, open, fail);
    parts.push({ source, expr: parse(source) });
    i = end;
  }
  return parts;
}
