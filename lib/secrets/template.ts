// `{{ secrets.NAME }}` and `{{ environment.variables.NAME }}` in resource configuration: the
// template parser (lib/template.ts, not string evaluation) splits a value into text and
// references, and only those two roots are accepted. Resolution substitutes strings; nothing is
// ever evaluated.
import { AppError } from '@/lib/errors';
import { splitTemplate } from '@/lib/template';

export type TemplateRef = { root: 'secrets' | 'variables'; name: string };
export type TemplatePart = { text: string } | { ref: TemplateRef };

/** Names of secrets and config variables: a letter, then letters, digits and underscores. */
export const REFERENCE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

function parseReference(source: string, where: string): TemplateRef {
  const path = source.split('.');
  const problem = `${where}: "{{ ${source} }}" is not allowed here; use {{ secrets.NAME }} or {{ environment.variables.NAME }}.`;
  if (path.some((p) => !REFERENCE_NAME.test(p))) throw new AppError('invalid_input', problem);
  if (path.length === 2 && path[0] === 'secrets') return { root: 'secrets', name: path[1]! };
  if (path.length === 3 && path[0] === 'environment' && path[1] === 'variables') return { root: 'variables', name: path[2]! };
  throw new AppError('invalid_input', problem);
}

/** Splits `value` into literal text and references (lib/template.ts); `where` names the field in error messages. */
export function parseTemplate(value: string, where: string): TemplatePart[] {
  const parts = splitTemplate(
    value,
    (source) => parseReference(source, where),
    (message) => new AppError('invalid_input', `${where}: ${message}`),
  ).map((p) => ('text' in p ? p : { ref: p.expr }));
  if (value.indexOf('}}') !== -1 && parts.every((p) => 'text' in p))
    throw new AppError('invalid_input', `${where}: a "}}" has no "{{" before it.`);
  return parts;
}

/** Every reference in `value` (validating it). */
export function templateRefs(value: string, where: string): TemplateRef[] {
  return parseTemplate(value, where).flatMap((p) => ('ref' in p ? [p.ref] : []));
}

/** Substitutes each reference with `lookup(ref)`; a lookup may throw a clear "missing" error. */
export async function renderTemplate(value: string, where: string, lookup: (ref: TemplateRef) => Promise<string>): Promise<string> {
  let out = '';
  for (const part of parseTemplate(value, where)) out += 'text' in part ? part.text : await lookup(part.ref);
  return out;
}
