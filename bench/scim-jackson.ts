// BoxyHQ Jackson's directory sync behind a plain node:http server, for bench/scim.ts's HTTP mode
// to compare against. Runs in a worker thread of the benchmark process (its own event loop, so
// the load generator does not share Jackson's): the parent posts { dbUrl }, the worker answers
// { type: 'ready', baseUrl, token } and later, on 'close', { type: 'closed', heapUsedMb }.
// Starting Jackson and the request mapping live in bench/jackson-dsync.ts (handler mode uses
// them in-process).
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import { jacksonRequest, startJacksonDsync, type JacksonDsync } from './jackson-dsync';

type Start = { type: 'start'; dbUrl: string; pageLimit: number };
type Message = Start | { type: 'close' };

const port = parentPort!;
let dsync: JacksonDsync | undefined;
let server: http.Server | undefined;

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://jackson.local');
  const request = jacksonRequest(req.method ?? 'GET', url, req.headers.authorization, await readBody(req));
  const { status, data } = await dsync!.jackson.directorySyncController.requests.handle(request);
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
}

async function start(m: Start) {
  dsync = await startJacksonDsync(m);
  server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('[jackson] request failed:', e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: e instanceof Error ? e.message : String(e) }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as { port: number };
  port.postMessage({ type: 'ready', baseUrl: `http://127.0.0.1:${listening}/api/scim/v2.0/${dsync.directoryId}`, token: dsync.token });
}

async function close() {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await dsync?.jackson.close();
  port.postMessage({ type: 'closed', heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, events: dsync?.events() ?? 0 });
}

port.on('message', (m: Message) => {
  const run = m.type === 'start' ? start(m) : close();
  run.catch((e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
