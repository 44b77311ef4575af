// The app expression language inside `{{ … }}`: a tokenizer, a recursive-descent parser and a
// tree-walking interpreter. No eval, no Function, no prototype: member access reads own
// properties of plain data only, `__proto__`/`constructor`/`prototype` are refused by name, and
// the only calls are a short list of string/array/number methods and a few helper functions.
import { splitTemplate, type TemplatePart as SplitPart } from '@/lib/template';

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export type Node =
  | { type: 'literal'; value: string | number | boolean | null | undefined }
  | { type: 'ident'; name: string }
  | { type: 'member'; object: Node; property: Node; computed: boolean }
  | { type: 'call'; callee: Node; args: Node[] }
  | { type: 'array'; items: Node[] }
  | { type: 'unary'; op: '!' | '-' | '+'; arg: Node }
  | { type: 'binary'; op: string; left: Node; right: Node }
  | { type: 'logical'; op: '&&' | '||' | '??'; left: Node; right: Node }
  | { type: 'conditional'; test: Node; then: Node; else: Node };

type Token = { kind: 'num' | 'str' | 'ident' | 'punct'; value: string; pos: number };

const FORBIDDEN = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
const PUNCTUATORS = [
  '===',
  '!==',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
];
const MAX_SOURCE = 2_000;
const MAX_DEPTH = 40;

function tokenize(src: string): Token[] {
  if (src.length > MAX_SOURCE) throw new ExpressionError(`An expression may be at most ${MAX_SOURCE} characters.`);
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      out.push({ kind: 'num', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ kind: 'ident', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      for (; j < src.length && src[j] !== c; j++) {
        if (src[j] === '\\') {
          const e = src[++j];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
        } else s += src[j];
      }
      if (j >= src.length) throw new ExpressionError(`Unterminated string starting at character ${i + 1}.`);
      out.push({ kind: 'str', value: s, pos: i });
      i = j + 1;
      continue;
    }
    const p = PUNCTUATORS.find((x) => src.startsWith(x, i));
    if (!p) throw new ExpressionError(`Unexpected character "${c}" at character ${i + 1}.`);
    out.push({ kind: 'punct', value: p, pos: i });
    i += p.length;
  }
  return out;
}

const BINARY_LEVELS: string[][] = [
  ['===', '!==', '==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

/** Parses one expression (the text between `{{` and `}}`). */
export function parseExpression(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const at = (v: string) => peek()?.kind === 'punct' && peek()!.value === v;
  const where = () => (peek() ? `at character ${peek()!.pos + 1}` : 'at the end');
  const expect = (v: string) => {
    if (!at(v)) throw new ExpressionError(`Expected "${v}" ${where()}.`);
    pos++;
  };
  const nested = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('The expression is nested too deeply.');
    try {
      return fn();
    } finally {
      depth--;
    }
  };

  const conditional = (): Node =>
    nested(() => {
      const test = logical(0);
      if (!at('?')) return test;
      pos++;
      const then = conditional();
      expect(':');
      return { type: 'conditional', test, then, else: conditional() };
    });
  const LOGICAL: ('??' | '||' | '&&')[] = ['??', '||', '&&'];
  const logical = (level: number): Node => {
    if (level === LOGICAL.length) return binary(0);
    let left = logical(level + 1);
    while (at(LOGICAL[level]!)) {
      pos++;
      left = { type: 'logical', op: LOGICAL[level]!, left, right: logical(level + 1) };
    }
    return left;
  };
  const binary = (level: number): Node => {
    if (level === BINARY_LEVELS.length) return unary();
    let left = binary(level + 1);
    while (peek()?.kind === 'punct' && BINARY_LEVELS[level]!.includes(peek()!.value)) {
      const op = tokens[pos++]!.value;
      left = { type: 'binary', op, left, right: binary(level + 1) };
    }
    return left;
  };
  const unary = (): Node =>
    nested(() => {
      if (at('!') || at('-') || at('+')) {
        const op = tokens[pos++]!.value as '!' | '-' | '+';
        return { type: 'unary', op, arg: unary() };
      }
      return postfix();
    });
  const propertyName = (): Node => {
    const t = peek();
    if (t?.kind !== 'ident') throw new ExpressionError(`Expected a property name ${where()}.`);
    if (FORBIDDEN.has(t.value)) throw new ExpressionError(`"${t.value}" cannot be used in expressions.`);
    pos++;
    return { type: 'literal', value: t.value };
  };
  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      if (at('.') || at('?.')) {
        pos++;
        if (at('[')) continue;
        node = { type: 'member', object: node, property: propertyName(), computed: false };
      } else if (at('[')) {
        pos++;
        const property = conditional();
        expect(']');
        node = { type: 'member', object: node, property, computed: true };
      } else if (at('(')) {
        pos++;
        const args: Node[] = [];
        while (!at(')')) {
          args.push(conditional());
          if (!at(')')) expect(',');
        }
        pos++;
        node = { type: 'call', callee: node, args };
      } else return node;
    }
  };
  const primary = (): Node => {
    const t = peek();
    if (!t) throw new ExpressionError('The expression is incomplete.');
    pos++;
    if (t.kind === 'num') return { type: 'literal', value: Number(t.value) };
    if (t.kind === 'str') return { type: 'literal', value: t.value };
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') return { type: 'literal', value: t.value === 'true' };
      if (t.value === 'null') return { type: 'literal', value: null };
      if (t.value === 'undefined') return { type: 'literal', value: undefined };
      if (FORBIDDEN.has(t.value)) throw new ExpressionError(`"${t.value}" cannot be used in expressions.`);
      return { type: 'ident', name: t.value };
    }
    if (t.value === '(') {
      const inner = conditional();
      expect(')');
      return inner;
    }
    if (t.value === '[') {
      const items: Node[] = [];
      while (!at(']')) {
        items.push(conditional());
        if (!at(']')) expect(',');
      }
      pos++;
      return { type: 'array', items };
    }
    throw new ExpressionError(`Unexpected "${t.value}" at character ${t.pos + 1}.`);
  };

  if (tokens.length === 0) throw new ExpressionError('The expression is empty.');
  const node = conditional();
  if (pos < tokens.length) throw new ExpressionError(`Unexpected "${tokens[pos]!.value}" at character ${tokens[pos]!.pos + 1}.`);
  return node;
}

export type Scope = Record<string, unknown>;

type Method = (self: never, ...args: unknown[]) => unknown;
const STRING_METHODS: Record<string, Method> = {
  toLowerCase: (s: string) => s.toLowerCase(),
  toUpperCase: (s: string) => s.toUpperCase(),
  trim: (s: string) => s.trim(),
  includes: (s: string, x) => s.includes(String(x)),
  startsWith: (s: string, x) => s.startsWith(String(x)),
  endsWith: (s: string, x) => s.endsWith(String(x)),
  slice: (s: string, a, b) => s.slice(num(a), b === undefined ? undefined : num(b)),
  split: (s: string, x) => s.split(String(x)),
};
const ARRAY_METHODS: Record<string, Method> = {
  includes: (a: unknown[], x) => a.includes(x),
  join: (a: unknown[], x) => a.map((v) => toText(v)).join(x === undefined ? ',' : String(x)),
  slice: (a: unknown[], s, e) => a.slice(num(s), e === undefined ? undefined : num(e)),
  indexOf: (a: unknown[], x) => a.indexOf(x),
};
const NUMBER_METHODS: Record<string, Method> = {
  toFixed: (n: number, d) => n.toFixed(Math.min(20, Math.max(0, num(d ?? 0)))),
};
const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  String: (v) => toText(v),
  Number: (v) => Number(v),
  Boolean: (v) => Boolean(v),
  isEmpty: (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0),
};

function num(v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ExpressionError('Expected a number.');
  return Math.trunc(n);
}

/** A value as text: strings as they are, null/undefined as '', anything else as JSON. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function isPlainData(v: unknown): v is Record<string, unknown> | unknown[] {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Reads an own property of plain data (objects, arrays, a string's characters/length); anything else is undefined. */
function readProperty(object: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number') throw new ExpressionError('A property name must be a string or a number.');
  const k = String(key);
  if (FORBIDDEN.has(k)) throw new ExpressionError(`"${k}" cannot be used in expressions.`);
  if (typeof object === 'string') return k === 'length' ? object.length : /^\d+$/.test(k) ? object[Number(k)] : undefined;
  if (!isPlainData(object)) return undefined;
  if (Array.isArray(object) && k === 'length') return object.length;
  if (!Object.hasOwn(object, k)) return undefined;
  const value = (object as Record<string, unknown>)[k];
  return typeof value === 'function' ? undefined : value;
}

function callMethod(self: unknown, name: string, args: unknown[]): unknown {
  const table =
    typeof self === 'string' ? STRING_METHODS : Array.isArray(self) ? ARRAY_METHODS : typeof self === 'number' ? NUMBER_METHODS : null;
  const fn = table && Object.hasOwn(table, name) ? table[name] : undefined;
  if (!fn) throw new ExpressionError(`"${name}" is not a function that expressions may call.`);
  return fn(self as never, ...args);
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case '+':
      return typeof a === 'number' && typeof b === 'number' ? a + b : toText(a) + toText(b);
    case '-':
      return Number(a) - Number(b);
    case '*':
      return Number(a) * Number(b);
    case '/':
      return Number(a) / Number(b);
    case '%':
      return Number(a) % Number(b);
    case '===':
    case '==':
      return op === '==' && (a === null || a === undefined) ? b === null || b === undefined : a === b;
    case '!==':
    case '!=':
      return !arithmetic(op === '!=' ? '==' : '===', a, b);
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
  throw new ExpressionError(`Unknown operator ${op}.`);
}

/** Evaluates a parsed expression over `scope` (own properties only). */
export function evaluate(node: Node, scope: Scope): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'ident':
      if (Object.hasOwn(scope, node.name)) return readProperty(scope, node.name);
      return undefined;
    case 'member':
      return readProperty(evaluate(node.object, scope), evaluate(node.property, scope));
    case 'call': {
      const args = node.args.map((a) => evaluate(a, scope));
      if (node.callee.type === 'ident') {
        const fn = Object.hasOwn(FUNCTIONS, node.callee.name) ? FUNCTIONS[node.callee.name] : undefined;
        if (!fn) throw new ExpressionError(`"${node.callee.name}" is not a function that expressions may call.`);
        return fn(...args);
      }
      if (node.callee.type === 'member') {
        const name = evaluate(node.callee.property, scope);
        return callMethod(evaluate(node.callee.object, scope), String(name), args);
      }
      throw new ExpressionError('Only named functions and methods can be called.');
    }
    case 'array':
      return node.items.map((i) => evaluate(i, scope));
    case 'unary': {
      const v = evaluate(node.arg, scope);
      return node.op === '!' ? !v : node.op === '-' ? -Number(v) : Number(v);
    }
    case 'binary':
      return arithmetic(node.op, evaluate(node.left, scope), evaluate(node.right, scope));
    case 'logical': {
      const left = evaluate(node.left, scope);
      if (node.op === '&&') return left ? evaluate(node.right, scope) : left;
      if (node.op === '||') return left ? left : evaluate(node.right, scope);
      return left ?? evaluate(node.right, scope);
    }
    case 'conditional':
      return evaluate(node.test, scope) ? evaluate(node.then, scope) : evaluate(node.else, scope);
  }
}

/** The dotted paths an expression reads with static keys (`current_user.email`, `table1.selectedRow.id`); a computed key reads all of its object. */
export function referencedPaths(node: Node): string[] {
  const out = new Set<string>();
  const pathOf = (n: Node): string | null => {
    if (n.type === 'ident') return n.name;
    if (
      n.type === 'member' &&
      n.property.type === 'literal' &&
      (typeof n.property.value === 'string' || typeof n.property.value === 'number')
    ) {
      const base = pathOf(n.object);
      return base === null ? null : `${base}.${n.property.value}`;
    }
    return null;
  };
  const walk = (n: Node) => {
    // Only the outermost static chain: `a.b.c` reads a.b.c, not all of a.
    const p = pathOf(n);
    if (p !== null) {
      out.add(p);
      return;
    }
    switch (n.type) {
      case 'member':
        walk(n.object);
        walk(n.property);
        break;
      case 'call':
        if (n.callee.type === 'member') walk(n.callee.object);
        n.args.forEach(walk);
        break;
      case 'array':
        n.items.forEach(walk);
        break;
      case 'unary':
        walk(n.arg);
        break;
      case 'binary':
      case 'logical':
        walk(n.left);
        walk(n.right);
        break;
      case 'conditional':
        walk(n.test);
        walk(n.then);
        walk(n.else);
        break;
    }
  };
  walk(node);
  return [...out];
}

export type TemplatePart = SplitPart<Node>;

/** A template's own syntax error (a `{{` never closed), as the expression language reports errors. */
export const templateError = (message: string) => new ExpressionError(message);

/** Parses the expression of one `{{ }}`; its errors name it. */
export function parseTemplateExpression(source: string): Node {
  try {
    return parseExpression(source);
  } catch (e) {
    if (e instanceof ExpressionError) throw new ExpressionError(`In {{ ${source} }}: ${e.message}`);
    throw e;
  }
}

/** Splits a template into text and parsed `{{ … }}` parts (lib/template.ts); errors name the expression's position. */
export function parseTemplate(template: string): TemplatePart[] {
  return splitTemplate(template, parseTemplateExpression, templateError);
}

/**
 * Evaluates a template: a template that is exactly one `{{ }}` gives that value as it is (a
 * number stays a number); anything else is text.
 */
export function evaluateTemplate(template: string, scope: Scope): unknown {
  const parts = parseTemplate(template);
  if (parts.length === 1 && 'expr' in parts[0]!) return evaluate(parts[0].expr, scope);
  return parts.map((p) => ('text' in p ? p.text : toText(evaluate(p.expr, scope)))).join('');
}
