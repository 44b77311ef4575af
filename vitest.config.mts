import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// unit: pure functions. db: behaviour against a real database, in-memory PGlite; db:postgres, the
// same files on a fresh Postgres database, when TEST_DATABASE_URL names a server (npm test runs
// both at once). `vitest run --project db:postgres` runs one of them.
const database = (name: 'db' | 'db:postgres'): TestProjectInlineConfiguration => ({
  extends: true,
  test: {
    name,
    include: ['lib/**/*.db.test.ts', 'db/**/*.db.test.ts'],
    globalSetup: ['lib/test/db-global-setup.ts'],
    setupFiles: ['lib/test/db-setup.ts'],
    // The embedded project's tests see no Postgres server, exactly as on a machine without one.
    env: name === 'db' ? { TEST_DATABASE_URL: '' } : {},
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  resolve: { alias: { '@': root.replace(/\/$/, '') } },
  test: {
    // Vitest's default is one worker fewer than the cores: one, here. The database tests spend much
    // of their time waiting on Postgres and on the CLI's processes, so three keep two cores busy.
    maxWorkers: 3,
    // postgres.js 3.4.9 can throw from a setImmediate (socket.write on a connection it has just
    // closed) while a server goes away; the outage test provokes exactly that. Next.js logs such
    // exceptions and keeps serving; here they are ignored rather than failing the run.
    onUnhandledError(error) {
      if (String(error.message).includes("reading 'write'") && String(error.stack).includes('postgres/src/connection.js')) return false;
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: ['**/*.db.test.ts'] },
      },
      database('db'),
      ...(process.env.TEST_DATABASE_URL ? [database('db:postgres')] : []),
    ],
  },
});
