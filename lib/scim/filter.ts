// SCIM filters (RFC 7644 §3.4.2.2): parse the text an IdP sends into a small AST, then compile
// the AST into a Drizzle condition over attributes the caller maps to SQL. PATCH paths
// (RFC 7644 §3.5.2) share the attribute-path and value-filter syntax, so they are parsed here too.
// Pure: no database access; every filter value reaches SQL as a bound parameter.
import { sql, type SQL } from 'drizzle-orm';
import { isStorableText, UNSTORABLE_TEXT } from '@/lib/storable-text';
import { ScimError, type ScimType } from './errors';
import { GROUP_SCHEMA, USER_SCHEMA } from './schemas';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/**
 * Attribute paths are normalized: lower case, the core User/Group URN prefix stripped, any other
 * URN (the enterprise extension) kept as a prefix. Inside a valuePath the attrs are relative
 * (`type`, `value`).
 */
export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'not'; expr: FilterNode }
  | { op: 'pr'; attr: string }
  | { op: CompareOp; attr: string; value: FilterValue }
  | { op: 'valuePath'; attr: string; filter: FilterNode };

/** A PATCH path: `attr`, `attr.subAttr`, `attr[filter]` or `attr[filter].subAttr`, normalized as above. */
export type ParsedPath = { text: string; attr: string; filter: FilterNode | null; subAttr: string | null };

export type FilterAttribute = {
  type: 'string' | 'boolean' | 'dateTime';
  /** An SQL expression for the value (may be NULL). For 'string' it yields text. */
  sql: SQL;
  /** Strings compare case-insensitively (lower() on both sides) unless caseExact. */
  caseExact?: boolean;
  /** For multi-valued attributes: wraps the compiled condition, e.g. in an EXISTS subquery. */
  wrap?: (condition: SQL) => SQL;
};
/** Keys are normalized lowercase paths, e.g. `username`, `name.givenname`, `emails.value`. */
export type FilterAttributes = Record<string, FilterAttribute>;

export const MAX_FILTER_LENGTH = 1000;
export const MAX_FILTER_DEPTH = 20;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const CORE_PREFIXES = [USER_SCHEMA, GROUP_SCHEMA].map((s) => s.toLowerCase());
const NAME = /^(?:\$ref|[a-z][a-z0-9_-]*)$/;

// ---------------------------------------------------------------------------------------------
// Parsing

export function parseFilter(text: string): FilterNode {
  const p = new Parser(text, 'invalidFilter');
  if (text.length > MAX_FILTER_LENGTH) p.fail(`it is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`);
  if (!text.trim()) p.fail('it is empty.');
  const node = p.parseOr();
  p.skipWs();
  if (!p.atEnd()) p.fail(`unexpected ${p.describeToken()} at position ${p.pos + 1}.`);
  return node;
}

export function parsePath(text: string): ParsedPath {
  const p = new Parser(text, 'invalidPath');
  if (text.length > MAX_FILTER_LENGTH) p.fail(`it is longer than ${MAX_FILTER_LENGTH} characters.`);
  const { prefix, segments } = p.readAttrPath();
  const attr = prefix + segments[0];
  let filter: FilterNode | null = null;
  let subAttr = segments[1] ?? null;
  if (p.peek() === '[') {
    if (subAttr !== null) p.fail(`a value filter must follow a multi-valued attribute, not "${segments.join('.')}".`);
    filter = p.parseValueFilter();
    subAttr = p.readSubAttrAfterBracket();
  }
  if (!p.atEnd()) p.fail(`unexpected ${p.describeToken()} at position ${p.pos + 1}.`);
  return { text, attr, filter, subAttr };
}

class Parser {
  pos = 0;
  private depth = 0;
  private inValuePath = false;

  constructor(
    private readonly text: string,
    private readonly scimType: ScimType,
  ) {}

  fail(message: string): never {
    const what = this.scimType === 'invalidPath' ? `Invalid path "${this.text}"` : 'Invalid filter';
    throw ScimError.badRequest(this.scimType, `${what}: ${message}`);
  }

  atEnd() {
    return this.pos >= this.text.length;
  }

  peek() {
    return this.text[this.pos];
  }

  skipWs() {
    while (!this.atEnd() && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private match(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  describeToken(): string {
    if (this.atEnd()) return 'end of input';
    const re = /"[^"]{0,30}"?|[\w$:.-]{1,40}|\S/y;
    re.lastIndex = this.pos;
    return `"${re.exec(this.text)?.[0] ?? this.peek()}"`;
  }

  private enter() {
    if (++this.depth > MAX_FILTER_DEPTH) this.fail(`it is nested more than ${MAX_FILTER_DEPTH} levels deep.`);
  }

  private keyword(word: 'and' | 'or' | 'not'): boolean {
    const start = this.pos;
    this.skipWs();
    if (this.match(KEYWORDS[word])) return true;
    this.pos = start;
    return false;
  }

  private expect(char: string, context: string) {
    this.skipWs();
    if (this.peek() !== char) this.fail(`expected "${char}" ${context} at position ${this.pos + 1}, found ${this.describeToken()}.`);
    this.pos++;
  }

  // Precedence (RFC 7644 §3.4.2.2): parentheses and not, then and, then or.
  parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.keyword('or')) left = { op: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.keyword('and')) left = { op: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): FilterNode {
    this.skipWs();
    if (this.peek() === '(') {
      this.pos++;
      return this.parseGroup();
    }
    const start = this.pos;
    if (this.keyword('not')) {
      this.skipWs();
      if (this.peek() === '(') {
        this.pos++;
        return { op: 'not', expr: this.parseGroup() };
      }
      this.pos = start; // an attribute that happens to be called "not"
    }
    return this.parseAttrExpr();
  }

  private parseGroup(): FilterNode {
    this.enter();
    const node = this.parseOr();
    this.expect(')', 'to close the parenthesis');
    this.depth--;
    return node;
  }

  private parseAttrExpr(): FilterNode {
    const start = this.pos;
    const { prefix, segments } = this.readAttrPath();
    const attr = prefix + segments.join('.');
    if (this.inValuePath && (prefix || segments.length > 1)) {
      this.fail(`inside [ ] use sub-attribute names such as "type" or "value", not "${this.text.slice(start, this.pos)}".`);
    }
    if (this.peek() === '[') {
      if (segments.length > 1) this.fail(`a value filter must follow a multi-valued attribute, not "${attr}".`);
      let filter = this.parseValueFilter();
      // `emails[type eq "work"].value eq "x"` is not RFC syntax, but its meaning is clear: the
      // comparison applies to the same element. Without a comparison it means the bracket filter.
      const subAttr = this.readSubAttrAfterBracket();
      if (subAttr !== null) {
        const afterSub = this.pos;
        this.skipWs();
        if (/[a-z]/i.test(this.peek() ?? '') && !this.keyword('and') && !this.keyword('or')) {
          filter = { op: 'and', left: filter, right: this.parseComparison(subAttr) };
        } else {
          this.pos = afterSub;
        }
      }
      return { op: 'valuePath', attr, filter };
    }
    return this.parseComparison(attr);
  }

  private parseComparison(attr: string): FilterNode {
    this.skipWs();
    const opStart = this.pos;
    const word = this.match(/[a-z]+/iy)?.toLowerCase();
    if (word === 'pr') return { op: 'pr', attr };
    if (word && COMPARE_OPS.has(word)) {
      this.skipWs();
      return { op: word as CompareOp, attr, value: this.readValue(attr) };
    }
    this.pos = opStart;
    this.fail(
      `expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after "${attr}" at position ${opStart + 1}, found ${this.describeToken()}.`,
    );
  }

  parseValueFilter(): FilterNode {
    if (this.inValuePath) this.fail(`value filters cannot be nested (position ${this.pos + 1}).`);
    this.pos++; // '['
    this.enter();
    this.inValuePath = true;
    const filter = this.parseOr();
    this.expect(']', 'to close the value filter');
    this.inValuePath = false;
    this.depth--;
    return filter;
  }

  readSubAttrAfterBracket(): string | null {
    if (this.peek() !== '.') return null;
    this.pos++;
    const start = this.pos;
    const name = this.match(/[\w$-]+/y)?.toLowerCase();
    if (!name || !NAME.test(name))
      this.fail(`expected a sub-attribute name after "]." at position ${start + 1}, found ${this.describeToken()}.`);
    return name;
  }

  /** Reads `attr`, `attr.sub` or `urn:…:attr[.sub]`; returns the normalized prefix (with trailing colon) and names. */
  readAttrPath(): { prefix: string; segments: [string] | [string, string] } {
    this.skipWs();
    const start = this.pos;
    const raw = this.match(/urn:[\w$:.-]+/iy) ?? this.match(/[a-z$][\w$.-]*/iy);
    if (!raw) this.fail(`expected an attribute name at position ${start + 1}, found ${this.describeToken()}.`);
    const lower = raw.toLowerCase();
    let prefix = '';
    let rest = lower;
    if (lower.startsWith('urn:')) {
      const colon = lower.lastIndexOf(':');
      prefix = lower.slice(0, colon);
      rest = lower.slice(colon + 1);
      prefix = CORE_PREFIXES.includes(prefix) ? '' : `${prefix}:`;
    }
    const segments = rest.split('.');
    if (segments.length > 2 || !segments.every((s) => NAME.test(s))) {
      this.fail(`"${raw}" is not a valid attribute path (position ${start + 1}).`);
    }
    return { prefix, segments: segments as [string] | [string, string] };
  }

  private readValue(attr: string): FilterValue {
    const start = this.pos;
    if (this.peek() === '"') {
      const quoted = this.match(/"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y);
      if (!quoted) this.fail(`the string starting at position ${start + 1} is unterminated or has an invalid escape.`);
      const text = JSON.parse(quoted) as string;
      if (!isStorableText(text)) this.fail(`the string starting at position ${start + 1} ${UNSTORABLE_TEXT}.`);
      return text;
    }
    const number = this.match(/-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/y);
    if (number) return Number(number);
    const word = this.match(/[a-z]+(?![\w.$:-])/iy)?.toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    this.pos = start;
    this.fail(
      `expected a value for "${attr}" at position ${start + 1} (a "quoted string", a number, true, false or null), found ${this.describeToken()}.`,
    );
  }
}

// A keyword must not run into an attribute name: `userName pr andrew` has no `and`.
const KEYWORDS = {
  and: /and(?![\w$:.-])/iy,
  or: /or(?![\w$:.-])/iy,
  not: /not(?![\w$:.-])/iy,
};

// ---------------------------------------------------------------------------------------------
// Compiling

export type CompileOptions = {
  /** Names the resource in "unknown attribute" errors, e.g. "Users". */
  resource?: string;
};

export function compileFilter(node: FilterNode, attrs: FilterAttributes, options: CompileOptions = {}): SQL {
  const lookup = (path: string): FilterAttribute => {
    // hasOwn: a filter on `constructor` must not find Object.prototype.constructor.
    const found = Object.hasOwn(attrs, path) ? attrs[path] : undefined;
    if (found) return found;
    const known = Object.keys(attrs).join(', ');
    const who = options.resource ? `${options.resource} can be filtered by` : 'Filterable attributes are';
    throw ScimError.badRequest('invalidFilter', `Unknown attribute "${path}" in filter. ${who}: ${known}.`);
  };
  return compileNode(node, lookup, '', true);
}

function compileNode(node: FilterNode, lookup: (path: string) => FilterAttribute, prefix: string, wrapLeaves: boolean): SQL {
  switch (node.op) {
    case 'and':
    case 'or': {
      const left = compileNode(node.left, lookup, prefix, wrapLeaves);
      const right = compileNode(node.right, lookup, prefix, wrapLeaves);
      return node.op === 'and' ? sql`(${left} and ${right})` : sql`(${left} or ${right})`;
    }
    case 'not':
      // A NULL comparison is "unknown"; NOT unknown is still unknown and would drop the row.
      // SCIM means "does not match", so `not (title eq "x")` must match users without a title.
      return sql`not coalesce(${compileNode(node.expr, lookup, prefix, wrapLeaves)}, false)`;
    case 'valuePath': {
      if (prefix) throw ScimError.badRequest('invalidFilter', 'Invalid filter: value filters cannot be nested.');
      const inner = `${node.attr}.`;
      const wraps = new Set(leafAttrs(node.filter).map((a) => lookup(inner + a).wrap));
      const [shared] = wraps;
      // Same wrap (e.g. one EXISTS over the emails table) → both conditions apply to the same
      // element: emails[type eq "work" and value co "@x"] must not match a home address at x.
      if (wraps.size === 1 && shared) return shared(compileNode(node.filter, lookup, inner, false));
      return compileNode(node.filter, lookup, inner, true);
    }
    default: {
      const path = prefix + node.attr;
      const attr = lookup(path);
      const condition = node.op === 'pr' ? present(attr) : compare(node.op, path, attr, node.value);
      return wrapLeaves && attr.wrap ? attr.wrap(condition) : condition;
    }
  }
}

function leafAttrs(node: FilterNode): string[] {
  switch (node.op) {
    case 'and':
    case 'or':
      return [...leafAttrs(node.left), ...leafAttrs(node.right)];
    case 'not':
      return leafAttrs(node.expr);
    default:
      return [node.attr];
  }
}

function present(attr: FilterAttribute): SQL {
  return attr.type === 'string' ? sql`(${attr.sql} is not null and ${attr.sql} <> '')` : sql`${attr.sql} is not null`;
}

function invalid(detail: string): never {
  throw ScimError.badRequest('invalidFilter', detail);
}

function compare(op: CompareOp, path: string, attr: FilterAttribute, value: FilterValue): SQL {
  if (value === null) {
    // RFC 7643 §2.5: null is equivalent to "unassigned", so `eq null` means "not present".
    if (op === 'eq') return attr.type === 'string' ? sql`(${attr.sql} is null or ${attr.sql} = '')` : sql`${attr.sql} is null`;
    if (op === 'ne') return present(attr);
    invalid(`Invalid filter: only eq and ne can compare "${path}" to null.`);
  }
  switch (attr.type) {
    case 'string':
      return compareString(op, path, attr, value);
    case 'boolean':
      return compareBoolean(op, path, attr, value);
    case 'dateTime':
      return compareDateTime(op, path, attr, value);
  }
}

function compareString(op: CompareOp, path: string, attr: FilterAttribute, value: FilterValue): SQL {
  if (typeof value !== 'string')
    invalid(`Invalid filter: "${path}" is a string; compare it to a "quoted string", not ${JSON.stringify(value)}.`);
  // The ::text cast lets Postgres pick lower(text) for an untyped parameter.
  const caseFold = (v: SQL | string) => (attr.caseExact ? sql`${v}` : sql`lower(${v}::text)`);
  const column = attr.caseExact ? attr.sql : sql`lower(${attr.sql})`;
  switch (op) {
    case 'eq':
      return sql`${column} = ${caseFold(value)}`;
    case 'ne':
      return sql`${column} is distinct from ${caseFold(value)}`;
    case 'co':
    case 'sw':
    case 'ew': {
      const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
      const pattern = op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : `%${escaped}`;
      return sql`${column} like ${caseFold(pattern)} escape '\\'`;
    }
    default:
      invalid(`Invalid filter: "${path}" is a string; ${op} only applies to dateTime attributes such as meta.lastModified.`);
  }
}

function compareBoolean(op: CompareOp, path: string, attr: FilterAttribute, value: FilterValue): SQL {
  // Entra sends booleans as strings ("True"/"False").
  if (op !== 'eq' && op !== 'ne') invalid(`Invalid filter: "${path}" is a boolean; only eq, ne and pr apply to it, not ${op}.`);
  const bool = typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
  if (typeof bool !== 'boolean')
    invalid(`Invalid filter: "${path}" is a boolean; compare it to true or false, not ${JSON.stringify(value)}.`);
  return op === 'eq' ? sql`${attr.sql} = ${bool}` : sql`${attr.sql} is distinct from ${bool}`;
}

const DATE_TIME_OPS = {
  eq: sql.raw('='),
  ne: sql.raw('is distinct from'),
  gt: sql.raw('>'),
  ge: sql.raw('>='),
  lt: sql.raw('<'),
  le: sql.raw('<='),
};

function compareDateTime(op: CompareOp, path: string, attr: FilterAttribute, value: FilterValue): SQL {
  if (!(op in DATE_TIME_OPS))
    invalid(`Invalid filter: "${path}" is a dateTime; ${op} does not apply to it (use eq, ne, gt, ge, lt, le or pr).`);
  const iso = typeof value === 'string' ? parseDateTime(value) : null;
  if (iso === null) {
    invalid(
      `Invalid filter: "${path}" is a dateTime; compare it to an ISO 8601 string such as "2024-05-13T04:42:34Z", not ${JSON.stringify(value)}.`,
    );
  }
  return sql`${attr.sql} ${DATE_TIME_OPS[op as keyof typeof DATE_TIME_OPS]} cast(${iso} as timestamptz)`;
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

/**
 * An ISO 8601 date or date-time → a UTC ISO string, or null when it is not a real instant.
 * A missing offset means UTC, so the result never depends on the server's time zone.
 */
export function parseDateTime(text: string): string | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null; // e.g. Feb 30
  date.setUTCHours(hour, minute, second, Number(frac.slice(0, 3).padEnd(3, '0')));
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return new Date(date.getTime() - offsetMinutes * 60_000).toISOString();
}
