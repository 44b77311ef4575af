// A private Postgres cluster for tests that stop and start the database server itself: initdb into
// a temporary directory and pg_ctl on a free port, owned by an unprivileged user when the tests run
// as root (Postgres refuses to run as root). The binaries are found at run time: `pg_config
// --bindir`, then initdb on the PATH, then the newest /usr/lib/postgresql/<version>/bin.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function works(file: string): boolean {
  try {
    execFileSync(file, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The directory holding initdb and pg_ctl, or null when this machine has no PostgreSQL server binaries. */
export function findPostgresBinaries(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((v) => /^\d+$/.test(v));
    for (const v of versions.sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, v, 'bin'));
  }
  return (
    candidates.find(
      (dir) => works(path.join(dir, 'initdb')) && works(path.join(dir, 'pg_ctl')) && fs.existsSync(path.join(dir, 'postgres')),
    ) ?? null
  );
}

/** Root cannot run Postgres: the uid and gid of `postgres` or `nobody` then, else this process's own. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      // no such user
    }
  }
  throw new Error('Running as root, and neither a postgres nor a nobody user exists to run the test cluster.');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export type PostgresCluster = {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication, local only). */
  url: string;
  /** pg_ctl stop: `fast` ends every session (rolling back open transactions), `immediate` as a crash would. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** pg_ctl start; resolves once the server accepts connections. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
};

/** initdb and start a cluster in a new temporary directory. */
export async function startPostgresCluster(bindir: string): Promise<PostgresCluster> {
  const user = serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pg-'));
  const data = path.join(dir, 'data');
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const as = { ...(user ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
  await run(path.join(bindir, 'initdb'), ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync'], as);
  const port = await freePort();
  // Tests only: no fsync, and the socket in the cluster's own directory.
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const pgCtl = (...args: string[]) => run(path.join(bindir, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args], as);
  const start = async () => {
    await pgCtl('-l', path.join(dir, 'server.log'), '-o', settings, 'start');
  };
  let running = false;
  await start();
  running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop(mode = 'fast') {
      await pgCtl('-m', mode, 'stop');
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
