// BoxyHQ Jackson's directory sync behind a plain node:http server, for bench/scim.ts to compare
// against. Runs in a worker thread of the benchmark process (its own event loop, so the load
// generator does not share Jackson's): the parent posts { dbUrl }, the worker answers
// { type: 'ready', baseUrl, token } and later, on 'close', { type: 'closed', heapUsedMb }.
// The HTTP mapping follows Jackson's own Next.js route (pages/api/scim/v2.0/[...directory].ts).
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import type { DirectorySyncRequest, SAMLJackson } from '@boxyhq/saml-jackson';

type Start = { type: 'start'; dbUrl: string; pageLimit: number };
type Message = Start | { type: 'close' };

const port = parentPort!;
let jackson: SAMLJackson | undefined;
let server: http.Server | undefined;
let events = 0;

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const intOrUndefined = (v: string | null) => (v ? Number.parseInt(v, 10) : undefined);

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://jackson.local');
  // /api/scim/v2.0/{directoryId}/{Users|Groups}/{id?}
  const [directoryId, collection, resourceId] = url.pathname.replace(/^\/api\/scim\/v2\.0\//, '').split('/');
  const text = await readBody(req);
  const request: DirectorySyncRequest = {
    method: req.method ?? 'GET',
    body: text ? JSON.parse(text) : undefined,
    directoryId: directoryId ?? '',
    resourceType: collection === 'Users' ? 'users' : 'groups',
    resourceId: resourceId || undefined,
    apiSecret: /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null,
    query: { count: intOrUndefined(url.searchParams.get('count')), startIndex: intOrUndefined(url.searchParams.get('startIndex')), filter: url.searchParams.get('filter') ?? undefined },
  };
  const { status, data } = await jackson!.directorySyncController.requests.handle(request);
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
}

async function start({ dbUrl, pageLimit }: Start) {
  const { default: controllers } = await import('@boxyhq/saml-jackson');
  const externalUrl = 'http://127.0.0.1';
  jackson = await controllers({
    externalUrl,
    samlPath: '/api/oauth/saml',
    samlAudience: 'https://gatehouse.bench',
    noAnalytics: true,
    db: { engine: 'sql', type: 'postgres', url: dbUrl, pageLimit },
    // Directory events go to this in-process callback (as an embedding app would consume
    // them) instead of Jackson's webhook sender, which logs "not configured" for each one.
    dsync: { callback: async () => void events++ },
    logger: { info: () => {}, warn: (m) => console.warn(`[jackson] ${m}`), error: (m, e) => console.error(`[jackson] ${m}`, e ?? '') },
  });
  const { data, error } = await jackson.directorySyncController.directories.create({ tenant: 'bench', product: 'gatehouse', name: 'Bench', type: 'okta-scim-v2' });
  if (error || !data) throw new Error(`Jackson could not create a directory: ${error?.message}`);
  server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('[jackson] request failed:', e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: e instanceof Error ? e.message : String(e) }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as { port: number };
  port.postMessage({ type: 'ready', baseUrl: `http://127.0.0.1:${listening}/api/scim/v2.0/${data.id}`, token: data.scim.secret });
}

async function close() {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await jackson?.close();
  port.postMessage({ type: 'closed', heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, events });
}

port.on('message', (m: Message) => {
  const run = m.type === 'start' ? start(m) : close();
  run.catch((e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
