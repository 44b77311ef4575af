// SCIM PATCH (RFC 7644 §3.5.2) and User body normalization, lenient exactly where Okta and
// Microsoft Entra ID deviate: capitalised ops, "True"/"False" strings, path-less values whose keys
// are paths, the manager as a bare id, member removal in `value`. Pure: a User is patched as a
// JSON document; a Group patch becomes a plan of member steps, because member lists can be too
// large to load.
import { ScimError } from './errors';
import { parseDateTime, parsePath, type FilterNode, type ParsedPath } from './filter';
import {
  ENTERPRISE_USER_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  PATCH_OP_SCHEMA,
  USER_ATTRIBUTES,
  findAttribute,
  type SchemaAttribute,
} from './schemas';

export type PatchOperation = { op: 'add' | 'remove' | 'replace'; path: ParsedPath | null; value: unknown };

/**
 * A User as canonical attribute names from the User schema, plus the Enterprise extension as an
 * object under the key ENTERPRISE_USER_SCHEMA. Never id, meta, groups, schemas or password.
 */
export type ScimUserDoc = Record<string, unknown>;

export type GroupPatchPlan = {
  displayName?: string;
  externalId?: string | null;
  /** In request order; the caller checks that the ids exist. */
  members: Array<{ op: 'add' | 'remove'; ids: string[] } | { op: 'replace'; ids: string[] } | { op: 'removeAll' }>;
};

export const MAX_PATCH_OPERATIONS = 100;
const MAX_VALUE_DEPTH = 32;

type Json = Record<string, unknown>;

// Keys that would reach Object.prototype if a merge ever used them. Nothing here assigns a key
// that is not a canonical schema name, but they are refused outright so that no later change can
// make them dangerous.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// Common attributes (RFC 7643 §3.1) outside the schema definitions; `groups` is readOnly in the schema.
const READ_ONLY = new Set(['id', 'meta', 'schemas']);
const ENTERPRISE_KEY = ENTERPRISE_USER_SCHEMA.toLowerCase();

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const describeValue = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v);
const invalidValue = (detail: string) => ScimError.badRequest('invalidValue', detail);
const invalidPath = (detail: string) => ScimError.badRequest('invalidPath', detail);

// ---------------------------------------------------------------------------------------------
// The request body

export function parsePatchBody(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw ScimError.badRequest('invalidSyntax', 'The PATCH body must be a JSON object.');
  assertSafeKeys(body, 0);
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw ScimError.badRequest('invalidSyntax', `The PATCH body must list "${PATCH_OP_SCHEMA}" in "schemas".`);
  }
  const ops = body.Operations ?? body.operations;
  if (!Array.isArray(ops) || ops.length === 0) {
    throw ScimError.badRequest('invalidSyntax', 'The PATCH body must have a non-empty "Operations" array.');
  }
  if (ops.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.badRequest(
      'tooMany',
      `A PATCH may carry at most ${MAX_PATCH_OPERATIONS} operations; this one has ${ops.length}. Split it.`,
    );
  }
  return ops.map(parseOperation);
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const which = `Operation ${index + 1}`;
  if (!isObject(raw)) throw ScimError.badRequest('invalidSyntax', `${which} must be an object with "op", "path" and "value".`);
  const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : raw.op;
  if (op !== 'add' && op !== 'remove' && op !== 'replace') {
    throw ScimError.badRequest('invalidSyntax', `${which}: "op" must be "add", "remove" or "replace", not ${describeValue(raw.op)}.`);
  }
  if (raw.path !== undefined && raw.path !== null && typeof raw.path !== 'string') {
    throw invalidPath(`${which}: "path" must be a string, not ${describeValue(raw.path)}.`);
  }
  const text = typeof raw.path === 'string' ? raw.path.trim() : '';
  const path = text ? parsePath(text) : null;
  if (path) assertSafeKey(path.text);
  if (op === 'remove' && !path) throw ScimError.badRequest('noTarget', `${which}: "remove" needs a "path" naming what to remove.`);
  if (op !== 'remove' && raw.value === undefined) throw invalidValue(`${which}: "${op}" needs a "value".`);
  return { op, path, value: raw.value };
}

/** Refuses a key or path naming a forbidden key anywhere outside its quoted filter values. */
function assertSafeKey(key: string) {
  const names = key
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .toLowerCase()
    .split(/[^a-z0-9_$]+/);
  if (names.some((name) => FORBIDDEN_KEYS.has(name))) {
    throw invalidPath(`"${key}" is not an attribute path.`);
  }
}

function assertSafeKeys(value: unknown, depth: number) {
  if (depth > MAX_VALUE_DEPTH) throw invalidValue(`The request is nested more than ${MAX_VALUE_DEPTH} levels deep.`);
  if (Array.isArray(value)) {
    for (const item of value) assertSafeKeys(item, depth + 1);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      assertSafeKey(key);
      assertSafeKeys(item, depth + 1);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Users

/** A POST or PUT body → a User document: canonical names, checked types, unsupported attributes dropped. */
export function normalizeUserDoc(input: unknown): ScimUserDoc {
  if (!isObject(input)) throw ScimError.badRequest('invalidSyntax', 'A User must be a JSON object.');
  assertSafeKeys(input, 0);
  const doc: ScimUserDoc = {};
  // A full body is a path-less replace on an empty User (RFC 7644 §3.5.2.3), which is also how
  // Entra's flat `urn:…:enterprise:2.0:User:department` and `name.givenName` keys get read.
  applyValueObject(doc, 'replace', input);
  return finishUser(doc);
}

/** Applies the operations to a copy of `doc`; the input is never mutated. */
export function applyUserPatch(doc: ScimUserDoc, ops: PatchOperation[]): ScimUserDoc {
  const out = structuredClone(doc);
  for (const { op, path, value } of ops) {
    assertSafeKeys(value, 0);
    if (!path) {
      if (op === 'remove') throw ScimError.badRequest('noTarget', '"remove" needs a "path" naming what to remove.');
      applyValueObject(out, op, value);
    } else if (path.attr === ENTERPRISE_KEY && !path.filter && !path.subAttr) {
      // The whole extension as the path.
      if (op === 'remove') delete out[ENTERPRISE_USER_SCHEMA];
      else applyValueObject(out, op, { [ENTERPRISE_USER_SCHEMA]: value });
    } else {
      assertSafeKey(path.text);
      const target = resolveUserPath(path, 'strict');
      if (target) applyToTarget(out, op, target, value);
    }
  }
  return finishUser(out);
}

type Target = {
  text: string;
  ext: boolean;
  def: SchemaAttribute;
  sub: SchemaAttribute | null;
  filter: FilterNode | null;
};

/**
 * A parsed path → the attribute it names. 'strict' (an operation's path) refuses what it cannot
 * write; 'lenient' (a key inside a value object or body) skips it, because IdPs send read-only
 * and unsupported attributes along with the rest. null means "nothing to do" (e.g. password).
 */
function resolveUserPath(path: ParsedPath, mode: 'strict' | 'lenient'): Target | null {
  const skip = (error: ScimError) => {
    if (mode === 'lenient') return null;
    throw error;
  };
  const unknown = () =>
    skip(invalidPath(`Unknown attribute path "${path.text}". Users support the core User schema and the enterprise extension.`));
  let name = path.attr;
  let ext = false;
  const colon = name.lastIndexOf(':');
  if (colon >= 0) {
    if (name.slice(0, colon) !== ENTERPRISE_KEY) return unknown();
    name = name.slice(colon + 1);
    ext = true;
  }
  if (READ_ONLY.has(name)) return skip(ScimError.badRequest('mutability', `"${path.text}" is read-only.`));
  let def = findAttribute(ext ? ENTERPRISE_USER_ATTRIBUTES : USER_ATTRIBUTES, name);
  if (!def && !ext) {
    // Entra has sent the manager without its URN (`"path": "manager"`); no core name clashes.
    def = findAttribute(ENTERPRISE_USER_ATTRIBUTES, name);
    ext = Boolean(def);
  }
  if (!def) return unknown();
  if (def.mutability === 'readOnly') return skip(ScimError.badRequest('mutability', `"${path.text}" is read-only.`));
  if (def.mutability === 'writeOnly') return null; // password: accepted and discarded
  if (path.filter && !def.multiValued)
    return skip(invalidPath(`"${path.text}": ${def.name} is not multi-valued, so it takes no [filter].`));
  let sub: SchemaAttribute | null = null;
  if (path.subAttr) {
    sub = findAttribute(def.subAttributes ?? [], path.subAttr) ?? null;
    if (!sub) return unknown();
    if (sub.mutability === 'readOnly') return skip(ScimError.badRequest('mutability', `"${path.text}" is read-only.`));
    if (def.multiValued && !path.filter) {
      return skip(invalidPath(`"${path.text}": pick the element with a filter, e.g. ${def.name}[type eq "work"].${sub.name}.`));
    }
  }
  if (path.filter) checkValueFilter(path.filter, def, path.text);
  return { text: path.text, ext, def, sub, filter: path.filter };
}

/** A path-less add/replace: every key of the value is a path of its own (Okta nests, Entra flattens). */
function applyValueObject(doc: ScimUserDoc, op: 'add' | 'replace', value: unknown) {
  if (!isObject(value))
    throw invalidValue(`An "${op}" without a path needs an object value, e.g. {"active": false}, not ${describeValue(value)}.`);
  for (const [key, item] of Object.entries(value)) {
    assertSafeKey(key);
    if (key.toLowerCase() === ENTERPRISE_KEY) {
      if (item === null) {
        delete doc[ENTERPRISE_USER_SCHEMA];
        continue;
      }
      if (!isObject(item)) throw invalidValue(`"${ENTERPRISE_USER_SCHEMA}" must be an object, not ${describeValue(item)}.`);
      for (const [extKey, extItem] of Object.entries(item)) applyKey(doc, op, `${ENTERPRISE_USER_SCHEMA}:${extKey}`, extItem);
    } else {
      applyKey(doc, op, key, item);
    }
  }
}

function applyKey(doc: ScimUserDoc, op: 'add' | 'replace', key: string, value: unknown) {
  let path: ParsedPath;
  try {
    path = parsePath(key);
  } catch {
    return; // not an attribute path at all, so not one of ours
  }
  const target = resolveUserPath(path, 'lenient');
  if (target) applyToTarget(doc, op, target, value);
}

function applyToTarget(doc: ScimUserDoc, op: PatchOperation['op'], t: Target, value: unknown) {
  const container = t.ext ? extension(doc, op !== 'remove') : doc;
  if (!container) return;
  const { def, sub } = t;
  const label = labelOf(t);
  if (t.filter) return applyFiltered(container, op, t, value);

  if (sub) {
    const current = container[def.name];
    if (op === 'remove') {
      if (isObject(current)) delete current[sub.name];
    } else {
      const complex = isObject(current) ? current : (container[def.name] = {});
      setOrDelete(complex, sub.name, normalizeValue(sub, value, label));
    }
    if (isObject(container[def.name]) && Object.keys(container[def.name] as Json).length === 0) delete container[def.name];
    return;
  }

  if (op === 'remove') {
    // Entra names the elements to remove in `value` (as it does for group members).
    if (def.multiValued && Array.isArray(value) && Array.isArray(container[def.name])) {
      const gone = normalizeValue(def, value, label) as Json[];
      setList(
        container,
        def,
        (container[def.name] as Json[]).filter((el) => !gone.some((g) => sameElement(def, el, g))),
      );
    } else {
      delete container[def.name];
    }
    return;
  }

  const normalized = normalizeValue(def, value, label);
  if (def.multiValued) {
    const items = ((normalized ?? []) as Json[]).map(withoutNulls);
    if (op === 'replace') return setList(container, def, items);
    // add appends, merging into an equal element rather than duplicating it (RFC 7644 §3.5.2.1).
    const list = Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
    const touched = items.map((item) => {
      const existing = list.find((el) => sameElement(def, el, item));
      if (!existing) list.push(item);
      return existing ? Object.assign(existing, item) : item;
    });
    setList(container, def, list, touched);
  } else if (def.type === 'complex' && isObject(normalized)) {
    // Sub-attributes not in the value are left unchanged, for add and replace alike (§3.5.2.3).
    const merged = isObject(container[def.name]) ? (container[def.name] as Json) : {};
    for (const [k, v] of Object.entries(normalized)) setOrDelete(merged, k, v);
    setOrDelete(container, def.name, Object.keys(merged).length ? merged : null);
  } else {
    setOrDelete(container, def.name, normalized);
  }
}

function applyFiltered(container: Json, op: PatchOperation['op'], t: Target, value: unknown) {
  const { def, sub } = t;
  const filter = t.filter!;
  const list = Array.isArray(container[def.name]) ? (container[def.name] as Json[]) : [];
  let matches = list.filter((el) => elementMatches(filter, el, def));

  if (op === 'remove') {
    if (!sub)
      return setList(
        container,
        def,
        list.filter((el) => !matches.includes(el)),
      );
    for (const el of matches) delete el[sub.name];
    // An email without its value is no email: drop elements left with only labels.
    return setList(
      container,
      def,
      list.filter((el) => Object.keys(el).some((k) => k !== 'type' && k !== 'primary')),
    );
  }

  if (matches.length === 0) {
    if (op === 'replace') {
      throw ScimError.badRequest('noTarget', `No ${def.name} element matches "${t.text}"; use "add" to create it.`);
    }
    // Entra adds `emails[type eq "work"].value` for a user without a work email: create it.
    const created = elementFromFilter(filter, def, t.text);
    list.push(created);
    matches = [created];
  }
  for (const el of matches) {
    if (sub) {
      setOrDelete(el, sub.name, normalizeValue(sub, value, labelOf(t)));
    } else {
      const patch = normalizeElement(def, value, labelOf(t));
      for (const [k, v] of Object.entries(patch)) setOrDelete(el, k, v);
    }
  }
  setList(container, def, list, matches);
}

/** Stores a multi-valued attribute: at most one primary — the one just set wins — and no empty list. */
function setList(container: Json, def: SchemaAttribute, list: Json[], touched: Json[] = []) {
  const primaries = touched.filter((el) => el.primary === true);
  if (primaries.length > 1) throw invalidValue(`Only one of ${def.name} may be primary.`);
  if (primaries.length === 1) {
    for (const el of list) if (el !== primaries[0] && el.primary === true) delete el.primary;
  }
  setOrDelete(container, def.name, list.length ? list : null);
}

function setOrDelete(target: Json, key: string, value: unknown) {
  if (value === null || value === undefined) delete target[key];
  else target[key] = value;
}

function extension(doc: ScimUserDoc, create: boolean): Json | null {
  const current = doc[ENTERPRISE_USER_SCHEMA];
  if (isObject(current)) return current;
  if (!create) return null;
  const created: Json = {};
  doc[ENTERPRISE_USER_SCHEMA] = created;
  return created;
}

function finishUser(doc: ScimUserDoc): ScimUserDoc {
  const ext = doc[ENTERPRISE_USER_SCHEMA];
  if (isObject(ext) && Object.keys(ext).length === 0) delete doc[ENTERPRISE_USER_SCHEMA];
  if (typeof doc.userName !== 'string' || doc.userName.trim() === '') {
    throw invalidValue('"userName" is required and must be a non-empty string.');
  }
  return doc;
}

function labelOf(t: Target) {
  return `${t.ext ? `${ENTERPRISE_USER_SCHEMA}:` : ''}${t.def.name}${t.sub ? `.${t.sub.name}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Values against the schema

/** Checks `value` against `def`; null means "unassigned" (RFC 7643 §2.5) and unsets. */
function normalizeValue(def: SchemaAttribute, value: unknown, label: string): unknown {
  if (value === null) return null;
  if (!def.multiValued) return normalizeSingle(def, value, label);
  if (!Array.isArray(value)) throw invalidValue(`"${label}" is multi-valued; send an array, not ${describeValue(value)}.`);
  const items = value.map((item, i) => normalizeElement(def, item, `${label}[${i}]`));
  if (items.filter((item) => item.primary === true).length > 1) throw invalidValue(`Only one of "${label}" may be primary.`);
  return items;
}

function normalizeElement(def: SchemaAttribute, value: unknown, label: string): Json {
  const element = normalizeSingle(def, value, label);
  if (!isObject(element)) throw invalidValue(`"${label}" must be an object, not ${describeValue(value)}.`);
  return element;
}

function normalizeSingle(def: SchemaAttribute, value: unknown, label: string): unknown {
  if (value === null) return null;
  switch (def.type) {
    case 'string':
    case 'reference':
      if (typeof value !== 'string') throw invalidValue(`"${label}" must be a string, not ${describeValue(value)}.`);
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra sends "True" and "False".
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalidValue(`"${label}" must be true or false, not ${describeValue(value)}.`);
    case 'dateTime': {
      const iso = typeof value === 'string' ? parseDateTime(value) : null;
      if (iso === null) throw invalidValue(`"${label}" must be an ISO 8601 date-time, not ${describeValue(value)}.`);
      return iso;
    }
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value) || (def.type === 'integer' && !Number.isInteger(value))) {
        throw invalidValue(`"${label}" must be ${def.type === 'integer' ? 'an integer' : 'a number'}, not ${describeValue(value)}.`);
      }
      return value;
    case 'complex':
      return normalizeComplex(def, value, label);
  }
}

/** A complex value → its known, writable sub-attributes; explicit nulls stay, meaning "unset". */
function normalizeComplex(def: SchemaAttribute, value: unknown, label: string): Json | null {
  const subs = def.subAttributes ?? [];
  const hasValue = subs.some((s) => s.name === 'value');
  // Entra sends the manager as a bare id ("value": "<id>"), and has sent it as a one-element array.
  // Elements of multi-valued attributes get no such leniency.
  if (hasValue && !def.multiValued && typeof value === 'string') return value === '' ? null : { value };
  const object: unknown = !def.multiValued && Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (!isObject(object)) {
    throw invalidValue(`"${label}" must be an object with ${subs.map((s) => s.name).join(', ')}; not ${describeValue(value)}.`);
  }
  const out: Json = {};
  for (const [key, item] of Object.entries(object)) {
    const sub = findAttribute(subs, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    out[sub.name] = normalizeSingle(sub, item, `${label}.${sub.name}`);
  }
  return out;
}

function withoutNulls(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null));
}

/** Equal elements: same value and type (or, without a value sub-attribute, the same fields). */
function sameElement(def: SchemaAttribute, a: Json, b: Json): boolean {
  const subs = def.subAttributes ?? [];
  const fold = (name: string, v: unknown) => (typeof v === 'string' && !findAttribute(subs, name)?.caseExact ? v.toLowerCase() : v);
  const keys = subs.some((s) => s.name === 'value') ? ['value', 'type'] : subs.map((s) => s.name).filter((n) => n !== 'primary');
  return keys.every((k) => fold(k, a[k] ?? null) === fold(k, b[k] ?? null));
}

// ---------------------------------------------------------------------------------------------
// Value filters on elements (`emails[type eq "work"]`), evaluated in memory

function checkValueFilter(node: FilterNode, def: SchemaAttribute, text: string) {
  switch (node.op) {
    case 'and':
    case 'or':
      checkValueFilter(node.left, def, text);
      checkValueFilter(node.right, def, text);
      return;
    case 'not':
      return checkValueFilter(node.expr, def, text);
    case 'valuePath':
      throw invalidPath(`"${text}": value filters cannot be nested.`);
    default: {
      const sub = findAttribute(def.subAttributes ?? [], node.attr);
      if (!sub) throw ScimError.badRequest('invalidFilter', `Unknown attribute "${def.name}.${node.attr}" in "${text}".`);
      if (node.op === 'pr' || node.value === null) return;
      const fits =
        sub.type === 'boolean'
          ? (node.op === 'eq' || node.op === 'ne') && (typeof node.value === 'boolean' || /^(true|false)$/i.test(String(node.value)))
          : typeof node.value === 'string' && ['eq', 'ne', 'co', 'sw', 'ew'].includes(node.op);
      if (!fits) {
        throw ScimError.badRequest(
          'invalidFilter',
          `"${text}": ${def.name}.${sub.name} cannot be compared with ${node.op} ${JSON.stringify(node.value)}.`,
        );
      }
    }
  }
}

function elementMatches(node: FilterNode, el: Json, def: SchemaAttribute): boolean {
  switch (node.op) {
    case 'and':
      return elementMatches(node.left, el, def) && elementMatches(node.right, el, def);
    case 'or':
      return elementMatches(node.left, el, def) || elementMatches(node.right, el, def);
    case 'not':
      return !elementMatches(node.expr, el, def);
    case 'valuePath':
      return false;
    default: {
      const sub = findAttribute(def.subAttributes ?? [], node.attr)!;
      const actual = el[sub.name];
      const present = actual !== undefined && actual !== null && actual !== '';
      if (node.op === 'pr') return present;
      if (node.value === null) return node.op === 'eq' ? !present : present;
      if (sub.type === 'boolean') {
        const expected = typeof node.value === 'boolean' ? node.value : String(node.value).toLowerCase() === 'true';
        return (actual === expected) === (node.op === 'eq');
      }
      if (typeof actual !== 'string') return node.op === 'ne';
      const fold = (s: string) => (sub.caseExact ? s : s.toLowerCase());
      const [a, e] = [fold(actual), fold(String(node.value))];
      if (node.op === 'eq') return a === e;
      if (node.op === 'ne') return a !== e;
      if (node.op === 'co') return a.includes(e);
      if (node.op === 'sw') return a.startsWith(e);
      return a.endsWith(e);
    }
  }
}

/** `add` through a filter that matched nothing creates the element its eq conditions describe. */
function elementFromFilter(node: FilterNode, def: SchemaAttribute, text: string): Json {
  if (node.op === 'and') return { ...elementFromFilter(node.left, def, text), ...elementFromFilter(node.right, def, text) };
  if (node.op === 'eq' && node.value !== null) {
    const sub = findAttribute(def.subAttributes ?? [], node.attr)!;
    return { [sub.name]: normalizeSingle(sub, node.value, `${def.name}.${sub.name}`) };
  }
  throw ScimError.badRequest(
    'noTarget',
    `No ${def.name} element matches "${text}", and only eq conditions joined by "and" (e.g. ${def.name}[type eq "work"]) can describe a new one.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Groups

export function planGroupPatch(ops: PatchOperation[]): GroupPatchPlan {
  const plan: GroupPatchPlan = { members: [] };
  for (const { op, path, value } of ops) {
    assertSafeKeys(value, 0);
    if (path) {
      assertSafeKey(path.text);
      applyGroupPath(plan, op, path, value);
      continue;
    }
    if (op === 'remove') throw ScimError.badRequest('noTarget', '"remove" needs a "path" naming what to remove.');
    if (!isObject(value))
      throw invalidValue(`An "${op}" without a path needs an object value, e.g. {"displayName": "…"}, not ${describeValue(value)}.`);
    // Okta sends the group's id along with the new displayName; id is read-only, so it is skipped.
    for (const [key, item] of Object.entries(value)) {
      assertSafeKey(key);
      let keyPath: ParsedPath;
      try {
        keyPath = parsePath(key);
      } catch {
        continue; // not an attribute path, so not one of ours
      }
      if (['displayname', 'externalid', 'members'].includes(keyPath.attr) && !keyPath.filter && !keyPath.subAttr) {
        applyGroupPath(plan, op, keyPath, item);
      }
    }
  }
  return plan;
}

function applyGroupPath(plan: GroupPatchPlan, op: PatchOperation['op'], path: ParsedPath, value: unknown) {
  const { attr, filter, subAttr } = path;
  if (READ_ONLY.has(attr)) throw ScimError.badRequest('mutability', `"${path.text}" is read-only.`);
  if (attr !== 'members' && (filter || subAttr)) throw invalidPath(`"${path.text}": ${attr} has no sub-attributes.`);

  if (attr === 'displayname') {
    if (op === 'remove') throw invalidValue('"displayName" is required and cannot be removed.');
    if (typeof value !== 'string' || value.trim() === '')
      throw invalidValue(`"displayName" must be a non-empty string, not ${describeValue(value)}.`);
    plan.displayName = value;
  } else if (attr === 'externalid') {
    if (op !== 'remove' && value !== null && typeof value !== 'string')
      throw invalidValue(`"externalId" must be a string, not ${describeValue(value)}.`);
    plan.externalId = op === 'remove' ? null : (value as string | null);
  } else if (attr === 'members') {
    if (subAttr) throw invalidPath(`"${path.text}": members are added and removed whole; their sub-attributes cannot be patched.`);
    if (filter) {
      if (op !== 'remove') throw invalidPath(`"${path.text}": to ${op} members use the path "members" with a value list.`);
      addStep(plan, { op: 'remove', ids: memberIdsFromFilter(filter, path.text) });
    } else if (op === 'remove') {
      // Entra (without aadOptscim062020) names the members to remove in `value`; no value means all.
      addStep(plan, value === undefined || value === null ? { op: 'removeAll' } : { op: 'remove', ids: memberIds(value) });
    } else {
      addStep(plan, { op, ids: memberIds(value) });
    }
  } else {
    throw invalidPath(`Unknown attribute path "${path.text}". Groups can be patched at displayName, externalId and members.`);
  }
}

/** Consecutive adds (or removes) become one step: Entra sends one operation per member. */
function addStep(plan: GroupPatchPlan, step: GroupPatchPlan['members'][number]) {
  const last = plan.members.at(-1);
  if ((step.op === 'add' || step.op === 'remove') && last?.op === step.op) {
    last.ids = [...new Set([...last.ids, ...step.ids])];
  } else if (!((step.op === 'add' || step.op === 'remove') && step.ids.length === 0)) {
    plan.members.push(step);
  }
}

function memberIds(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const ids = items.map((item, i) => {
    const id = isObject(item) ? item.value : undefined;
    if (typeof id !== 'string' || id === '') {
      throw invalidValue(`members[${i}] must be an object like {"value": "<user id>"}, not ${describeValue(item)}.`);
    }
    return id;
  });
  return [...new Set(ids)];
}

/** `members[value eq "a"]`, or several joined by "or". */
function memberIdsFromFilter(node: FilterNode, text: string): string[] {
  if (node.op === 'or') return [...new Set([...memberIdsFromFilter(node.left, text), ...memberIdsFromFilter(node.right, text)])];
  if (node.op === 'eq' && node.attr === 'value' && typeof node.value === 'string') return [node.value];
  throw ScimError.badRequest('invalidFilter', `"${text}": only members[value eq "<id>"] filters are supported.`);
}
