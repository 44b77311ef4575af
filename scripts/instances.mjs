// Several production servers on one database behind a round-robin proxy, as a deployment with a
// load balancer runs them: the browser tests' two-instance mode (scripts/e2e-server.mjs with
// E2E_INSTANCES) and the benchmarks' --instances start them here.
//
// The proxy sends each request to the next instance in turn (not each connection: a browser's
// kept-alive connection still alternates), appends the client's address to X-Forwarded-For as a
// load balancer does (so the instances run with GATEHOUSE_TRUSTED_PROXY_HOPS=1), keeps the Host
// header, and names the instance that answered in X-Gatehouse-Instance, so a test can tell that
// both served. An instance that is down answers 502 with a JSON body.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { root, serverScript } from './build.mjs';

/** Where the instances listen relative to the proxy's port, clear of the ports the browser tests' own peers take (E2E_PORT + 7, + 50, + 60). */
export const INSTANCE_PORT_OFFSET = 20;

/** The proxy in front of `upstreams` (origins), listening on `port` (0: any free one). */
export async function startRoundRobinProxy({ port, host = '127.0.0.1', upstreams }) {
  const agents = upstreams.map(() => new http.Agent({ keepAlive: true, maxSockets: 256 }));
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % upstreams.length;
    const target = new URL(upstreams[i]);
    const headers = { ...req.headers };
    const peer = req.socket.remoteAddress;
    if (peer) headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: agents[i] },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, { ...answer.headers, 'x-gatehouse-instance': String(i) });
        answer.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (res.headersSent) return void res.destroy(e);
      res.writeHead(502, { 'content-type': 'application/json', 'x-gatehouse-instance': String(i) });
      res.end(JSON.stringify({ error: 'bad_gateway', message: `Instance ${i} (${upstreams[i]}) did not answer: ${e.message}` }));
    });
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const a of agents) a.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts `count` production servers (scripts/server.mjs) with `env` (and `instanceEnv(index)`'s
 * additions) on `ports`, waits until each
 * answers /api/health, then, with more than one, the proxy on `proxyPort`. `onOutput(index, line,
 * stream)` sees every line a server prints. Returns the URL clients use (the proxy's, or the only
 * instance's), each instance's URL and child process, and `stop()`, which stops the proxy and
 * sends every instance SIGTERM (SIGKILL after 15 s). Aborting `signal` while they start stops
 * them and rejects.
 */
export async function startInstances({
  count = 1,
  ports,
  proxyPort,
  host = '127.0.0.1',
  env,
  instanceEnv = () => ({}),
  nodeArgs = [],
  onOutput = () => {},
  timeoutMs = 120_000,
  signal,
}) {
  if (ports.length !== count) throw new Error(`startInstances: ${count} instance(s) need ${count} port(s), got ${ports.length}.`);
  const instances = ports.map((port, index) => {
    const child = spawn(process.execPath, [...nodeArgs, serverScript, '-p', String(port), '-H', host], {
      cwd: root,
      env: { ...env, PORT: String(port), ...(count > 1 ? { GATEHOUSE_TRUSTED_PROXY_HOPS: '1' } : {}), ...instanceEnv(index) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) onOutput(index, line, name);
      });
      stream.on('end', () => rest && onOutput(index, rest, name));
    }
    return { index, url: `http://${host}:${port}`, child };
  });
  let proxy = null;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(instances.map(({ child }) => stopChild(child)));
  };
  try {
    await Promise.all(instances.map((instance) => waitHealthy(instance, timeoutMs, signal)));
    if (count > 1) proxy = await startRoundRobinProxy({ port: proxyPort, host, upstreams: instances.map((i) => i.url) });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: proxy?.url ?? instances[0].url, instances, stop };
}

async function waitHealthy({ index, url, child }, timeoutMs, signal) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Error('Stopped while the instances were starting.');
    if (child.exitCode !== null) throw new Error(`Instance ${index} (${url}) exited with code ${child.exitCode} before it was healthy.`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Instance ${index} (${url}) was not healthy within ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
