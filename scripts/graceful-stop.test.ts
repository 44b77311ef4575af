// The production server's graceful stop, in a spawned process sent a real SIGTERM: requests in
// flight are answered (with Connection: close) while readiness reports draining, new connections
// are refused, the application's stop runs after the last answer, and the process exits 0; a
// request that never finishes is cut after the bound. scripts/server.mjs itself needs a build, so
// a plain HTTP server stands in for Next.js here.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReadiness } from '@/lib/system/health';
import { DRAINING } from './graceful-stop.mjs';

const stopModule = pathToFileURL(path.join(__dirname, 'graceful-stop.mjs')).href;

/** A server that answers /slow after 600 ms, /ready as readiness would, and /hang never; `timeoutMs` bounds the drain. */
function serverSource(timeoutMs: number) {
  return `
    import http from 'node:http';
    import { closeWhenDraining, draining, stopGracefullyOnSignal } from ${JSON.stringify(stopModule)};
    const server = http.createServer((req, res) => {
      closeWhenDraining(res);
      if (req.url === '/ready') return void res.writeHead(draining() ? 503 : 200).end();
      if (req.url === '/hang') return;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ draining: draining() })), 600);
    });
    stopGracefullyOnSignal(server, {
      timeoutMs: ${timeoutMs},
      stop: async () => { await new Promise((r) => setTimeout(r, 100)); console.log('stopped'); },
    });
    server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
  `;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function start(timeoutMs: number) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', serverSource(timeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const m = /^port (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, port, lines, exited };
}

function get(port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; at: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: new http.Agent({ keepAlive: true }) }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, at: performance.now() }));
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful stop on SIGTERM', () => {
  it('answers requests in flight, refuses new connections, runs the stop after the last answer, and exits 0', async () => {
    const { child, port, lines, exited } = await start(10_000);
    expect((await get(port, '/ready')).status).toBe(200);
    const slow = get(port, '/slow');
    await sleep(150);
    child.kill('SIGTERM');
    await sleep(100);
    await expect(get(port, '/ready')).rejects.toThrow(/ECONNREFUSED/);
    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ draining: true });
    expect(answered.headers.connection).toBe('close');
    expect(await exited).toBe(0);
    expect(lines).toContain('stopped');
  });

  it('cuts a request that never finishes after the bound, then still stops and exits 0', async () => {
    const { child, port, lines, exited } = await start(500);
    const hung = get(port, '/hang');
    await sleep(100);
    const signalled = performance.now();
    child.kill('SIGTERM');
    await expect(hung).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(3000);
    expect(lines).toContain('stopped');
  });

  it('makes readiness answer 503 without asking the database', async () => {
    const g = globalThis as unknown as Record<symbol, unknown>;
    g[DRAINING] = true;
    try {
      await expect(checkReadiness()).rejects.toMatchObject({ code: 'unavailable', message: 'This instance is shutting down.' });
    } finally {
      delete g[DRAINING];
    }
  });
});
