// Local stand-ins for the three kinds of streaming destination, each checking what the real one
// checks and answering as it answers, so a test sees the refusals a customer would:
//   Splunk HEC — `Authorization: Splunk <token>` (401 code 2 when missing, 401 code 3 when not of
//     that form, 403 code 4 for another token), the /services/collector[/event] path, and each event
//     envelope in the body (an object with a non-empty `event`, a numeric `time`, an allowed `index`);
//     success is 200 {"text":"Success","code":0}.
//   Webhook — the receiver our docs describe: X-Gatehouse-Signature `v1=` HMAC-SHA256 of
//     `<timestamp>.<body>` with the shared secret, a timestamp within 5 minutes; 401 otherwise.
//   Datadog Logs — POST /api/v2/logs with DD-API-KEY (403 for another key), a JSON array; 202 {}.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Peer<E> = {
  /** The origin, e.g. http://127.0.0.1:4711. */
  origin: string;
  /** What it accepted, in order. */
  events: E[];
  /** Requests it refused, with the status it gave. */
  refused: { status: number; body: string }[];
  close: () => Promise<void>;
};

type Answer = { status: number; body: unknown };

async function listen<E>(check: (req: IncomingMessage, body: string) => { answer: Answer; accepted?: E[] }): Promise<Peer<E>> {
  const events: E[] = [];
  const refused: { status: number; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { answer, accepted } = check(req, Buffer.concat(chunks).toString('utf8'));
      const text = JSON.stringify(answer.body);
      if (answer.status < 300) events.push(...(accepted ?? []));
      else refused.push({ status: answer.status, body: text });
      // A connection per request: a kept-alive one that this server times out just as the client
      // reuses it (a busy machine delays the client's own cut-off) would read as ECONNRESET.
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    refused,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Splits HEC's body: JSON objects one after another (whitespace between them is allowed). */
function concatenatedJson(body: string): unknown[] | null {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) {
        try {
          out.push(JSON.parse(body.slice(start, i + 1)));
        } catch {
          return null;
        }
      }
    } else if (depth === 0 && !/\s/.test(c)) return null;
  }
  return depth === 0 ? out : null;
}

export type HecEvent = { time?: number; source?: string; sourcetype?: string; index?: string; event: Record<string, unknown> };

/** A Splunk HTTP Event Collector accepting `token`, and only the `indexes` given (any when none). */
export function splunkHecPeer(token: string, opts: { indexes?: string[] } = {}): Promise<Peer<HecEvent>> {
  const hec = (status: number, text: string, code: number, extra: Record<string, unknown> = {}) => ({
    answer: { status, body: { text, code, ...extra } },
  });
  return listen<HecEvent>((req, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || !/^\/services\/collector(\/event)?(\/1\.0)?$/.test(path))
      return hec(404, 'The requested URL was not found on this server.', 404);
    const auth = req.headers.authorization;
    if (!auth) return hec(401, 'Token is required', 2);
    const given = /^Splunk (\S+)$/.exec(auth)?.[1];
    if (!given) return hec(401, 'Invalid authorization', 3);
    if (given !== token) return hec(403, 'Invalid token', 4);
    const entries = concatenatedJson(body);
    if (!entries || entries.length === 0) return hec(400, body.trim() ? 'Invalid data format' : 'No data', body.trim() ? 6 : 5);
    for (const [i, entry] of entries.entries()) {
      const e = entry as Partial<HecEvent>;
      if (typeof e !== 'object' || e === null || !('event' in e))
        return hec(400, 'Event field is required', 12, { 'invalid-event-number': i });
      if ((e.event as unknown) === '' || e.event === null)
        return hec(400, 'Event field cannot be blank', 13, { 'invalid-event-number': i });
      if (e.time !== undefined && typeof e.time !== 'number') return hec(400, 'Invalid data format', 6, { 'invalid-event-number': i });
      if (e.index !== undefined && opts.indexes && !opts.indexes.includes(e.index))
        return hec(400, 'Incorrect index', 7, { 'invalid-event-number': i });
    }
    return { answer: { status: 200, body: { text: 'Success', code: 0 } }, accepted: entries as HecEvent[] };
  });
}

/** A webhook receiver that verifies Gatehouse's signature with `secret`, as docs/README describe. */
export function webhookPeer(secret: string): Promise<Peer<Record<string, unknown>>> {
  return listen((req, body) => {
    const timestamp = String(req.headers['x-gatehouse-timestamp'] ?? '');
    const signature = String(req.headers['x-gatehouse-signature'] ?? '');
    const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    const fresh = /^\d+$/.test(timestamp) && Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
    const valid = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!fresh || !valid) return { answer: { status: 401, body: { error: fresh ? 'signature mismatch' : 'stale or missing timestamp' } } };
    return { answer: { status: 204, body: {} }, accepted: (JSON.parse(body) as { events: Record<string, unknown>[] }).events };
  });
}

/** Datadog's log intake accepting `apiKey`. */
export function datadogPeer(apiKey: string): Promise<Peer<Record<string, unknown>>> {
  return listen((req, body) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/api/v2/logs')
      return { answer: { status: 404, body: { errors: ['Not found'] } } };
    if (req.headers['dd-api-key'] !== apiKey) return { answer: { status: 403, body: { errors: ['Forbidden'] } } };
    const entries = JSON.parse(body) as Record<string, unknown>[];
    return { answer: { status: 202, body: {} }, accepted: entries };
  });
}
