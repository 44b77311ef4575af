// What /Users and /Groups share: the request context, list parameters, attribute projection,
// meta, and running a change as the directory.
import type { ScimDirectory } from '@/db/schema';
import { runMutation, type MutationCtx, type MutationInit } from '@/lib/server/mutation';
import type { RequestMeta } from '@/lib/server/request-meta';
import { ScimError } from './errors';
import { LIST_RESPONSE_SCHEMA } from './schemas';

export type ScimCtx = {
  directory: ScimDirectory;
  orgId: string;
  /** This directory's base URL, for meta.location and $ref. */
  baseUrl: string;
  request: RequestMeta;
};

export const MAX_PAGE_SIZE = 200;
export const MAX_BODY_BYTES = 1_000_000;

/** 413 for a body over MAX_BODY_BYTES, whether declared, read in full or still streaming. */
export const bodyTooLarge = () => new ScimError(413, null, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
export const DEFAULT_PAGE_SIZE = 100;

export type ListParams = {
  filter: string | null;
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
  attributes: string[] | null;
  excludedAttributes: string[];
};

function intParam(value: string | null, name: string, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^-?\d{1,9}$/.test(value)) throw ScimError.badRequest('invalidValue', `${name} must be an integer.`);
  return Number.parseInt(value, 10);
}

const list = (value: string | null) =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/** startIndex below 1 counts as 1 and a negative count as 0 (RFC 7644 §3.4.2.4); count above 200 is refused. */
export function listParams(search: URLSearchParams): ListParams {
  const count = Math.max(0, intParam(search.get('count'), 'count', DEFAULT_PAGE_SIZE));
  if (count > MAX_PAGE_SIZE) throw ScimError.badRequest('tooMany', `count may be at most ${MAX_PAGE_SIZE}; page with startIndex.`);
  const attributes = list(search.get('attributes'));
  return {
    filter: search.get('filter'),
    startIndex: Math.max(1, intParam(search.get('startIndex'), 'startIndex', 1)),
    count,
    attributes: attributes.length ? attributes : null,
    excludedAttributes: list(search.get('excludedAttributes')),
  };
}

/** The same, from a POST /.search body. */
export function searchParams(body: unknown): ListParams {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw ScimError.badRequest('invalidSyntax', 'Send a SearchRequest object.');
  const b = body as Record<string, unknown>;
  const s = new URLSearchParams();
  for (const key of ['filter', 'startIndex', 'count'] as const) if (b[key] !== undefined && b[key] !== null) s.set(key, String(b[key]));
  for (const key of ['attributes', 'excludedAttributes'] as const)
    if (Array.isArray(b[key])) s.set(key, (b[key] as unknown[]).map(String).join(','));
  return listParams(s);
}

const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

/** Attribute names as lower-case paths relative to the resource: `name.givenname`, `urn:…:user:department`. */
function normalizePath(path: string): string {
  return path.replace(CORE_PREFIX, '').toLowerCase();
}

/** True when a requested attribute list needs `attr` (a top-level name in canonical case). */
export function wants(params: Pick<ListParams, 'attributes' | 'excludedAttributes'>, attr: string): boolean {
  const a = attr.toLowerCase();
  if (params.excludedAttributes.some((p) => normalizePath(p) === a)) return false;
  if (!params.attributes) return true;
  return params.attributes.some((p) => {
    const n = normalizePath(p);
    return n === a || n.startsWith(`${a}.`) || n.startsWith(`${a}:`);
  });
}

const ALWAYS = new Set(['id', 'schemas']);

/**
 * Applies `attributes` / `excludedAttributes` to one resource (RFC 7644 §3.9). `id` and `schemas`
 * are always returned; sub-attributes (`name.givenName`) and extension attributes
 * (`urn:…:enterprise:2.0:User:department`) may be named.
 */
export function project(
  resource: Record<string, unknown>,
  params: Pick<ListParams, 'attributes' | 'excludedAttributes'>,
): Record<string, unknown> {
  const requested = params.attributes?.map(normalizePath) ?? null;
  const excluded = params.excludedAttributes.map(normalizePath);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const k = key.toLowerCase();
    if (ALWAYS.has(k)) {
      out[key] = value;
      continue;
    }
    const isExtension = k.startsWith('urn:');
    const pick = (paths: string[]) => {
      if (paths.includes(k)) return 'all' as const;
      const subs = paths.filter((p) => p.startsWith(isExtension ? `${k}:` : `${k}.`)).map((p) => p.slice(k.length + 1));
      return subs.length ? subs : null;
    };
    if (requested) {
      const chosen = pick(requested);
      if (!chosen) continue;
      out[key] = chosen === 'all' ? value : subset(value, chosen, 'keep');
    } else {
      const dropped = pick(excluded);
      if (dropped === 'all') continue;
      out[key] = dropped ? subset(value, dropped, 'drop') : value;
    }
  }
  return out;
}

function subset(value: unknown, subs: string[], mode: 'keep' | 'drop'): unknown {
  const one = (v: unknown) => {
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => subs.includes(k.toLowerCase()) === (mode === 'keep')));
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

export function listResponse(resources: Record<string, unknown>[], totalResults: number, params: ListParams) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex: params.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

export function meta(resourceType: 'User' | 'Group', location: string, created: Date, lastModified: Date) {
  return {
    resourceType,
    created: created.toISOString(),
    lastModified: lastModified.toISOString(),
    location,
    version: `W/"${lastModified.getTime().toString(36)}"`,
  };
}

/** Thrown inside a change that turned out to change nothing: rolls back (nothing to audit) and answers with the resource as it is. */
export class Unchanged extends Error {
  constructor() {
    super('unchanged');
  }
}

/** Runs a change as the directory: one transaction, audited with the directory as actor. Resolves to null when it changed nothing. */
export async function mutate<R>(ctx: ScimCtx, fn: (m: MutationCtx) => Promise<R>): Promise<R | null> {
  try {
    return await runMutation(mutationInit(ctx), fn);
  } catch (e) {
    if (e instanceof Unchanged) return null;
    throw e;
  }
}

/** A change made by the directory: its organization, the directory as actor, the request. */
export function mutationInit(ctx: ScimCtx): MutationInit {
  return { orgId: ctx.orgId, actor: { kind: 'scim', directoryId: ctx.directory.id }, request: ctx.request };
}

/** An id in a URL path: anything that is not a UUID simply is not found. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function notFound(kind: 'User' | 'Group', id: string): ScimError {
  return new ScimError(404, null, `${kind} ${id} not found.`);
}

/**
 * totalResults without a second query when the page shows it already: a first page that came back
 * short holds every match (the usual `userName eq` lookup).
 */
export async function totalOf(params: ListParams, rows: unknown[], count: () => Promise<number>): Promise<number> {
  if (params.count > 0 && params.startIndex === 1 && rows.length < params.count) return rows.length;
  return count();
}
