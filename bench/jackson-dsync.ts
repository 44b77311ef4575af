// BoxyHQ Jackson's directory sync as bench/scim.ts drives it, shared by both ways of running it:
// behind node:http in a worker thread (bench/scim-jackson.ts, HTTP mode) and called in-process
// (handler mode). The request mapping follows Jackson's own Next.js route
// (pages/api/scim/v2.0/[...directory].ts).
import type { DirectorySyncRequest, SAMLJackson } from '@boxyhq/saml-jackson';

export type JacksonDsync = { jackson: SAMLJackson; directoryId: string; token: string; events: () => number };

/** Starts Jackson on `dbUrl` and creates one Okta SCIM directory in it. */
export async function startJacksonDsync({ dbUrl, pageLimit }: { dbUrl: string; pageLimit: number }): Promise<JacksonDsync> {
  const { default: controllers } = await import('@boxyhq/saml-jackson');
  let events = 0;
  const jackson = await controllers({
    externalUrl: 'http://127.0.0.1',
    samlPath: '/api/oauth/saml',
    samlAudience: 'https://gatehouse.bench',
    noAnalytics: true,
    db: { engine: 'sql', type: 'postgres', url: dbUrl, pageLimit },
    // Directory events go to this in-process callback (as an embedding app would consume
    // them) instead of Jackson's webhook sender, which logs "not configured" for each one.
    dsync: { callback: async () => void events++ },
    logger: { info: () => {}, warn: (m) => console.warn(`[jackson] ${m}`), error: (m, e) => console.error(`[jackson] ${m}`, e ?? '') },
  });
  const { data, error } = await jackson.directorySyncController.directories.create({
    tenant: 'bench',
    product: 'gatehouse',
    name: 'Bench',
    type: 'okta-scim-v2',
  });
  if (error || !data) throw new Error(`Jackson could not create a directory: ${error?.message}`);
  return { jackson, directoryId: data.id, token: data.scim.secret, events: () => events };
}

const intOrUndefined = (v: string | null) => (v ? Number.parseInt(v, 10) : undefined);

/** One HTTP request to /api/scim/v2.0/{directoryId}/{Users|Groups}/{id?} as Jackson's handler takes it. */
export function jacksonRequest(method: string, url: URL, authorization: string | null | undefined, text: string): DirectorySyncRequest {
  const [directoryId, collection, resourceId] = url.pathname.replace(/^\/api\/scim\/v2\.0\//, '').split('/');
  return {
    method,
    body: text ? JSON.parse(text) : undefined,
    directoryId: directoryId ?? '',
    resourceType: collection === 'Users' ? 'users' : 'groups',
    resourceId: resourceId || undefined,
    apiSecret: /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null,
    query: {
      count: intOrUndefined(url.searchParams.get('count')),
      startIndex: intOrUndefined(url.searchParams.get('startIndex')),
      filter: url.searchParams.get('filter') ?? undefined,
    },
  };
}
