import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// unit: pure functions. db: behaviour against a real database — in-memory PGlite by default,
// a fresh Postgres database when TEST_DATABASE_URL is set.
export default defineConfig({
  resolve: { alias: { '@': root.replace(/\/$/, '') } },
  test: {
    // postgres.js 3.4.9 can throw from a setImmediate (socket.write on a connection it has just
    // closed) while a server goes away; the outage test provokes exactly that. Next.js logs such
    // exceptions and keeps serving; here they are ignored rather than failing the run.
    onUnhandledError(error) {
      if (String(error.message).includes("reading 'write'") && String(error.stack).includes('postgres/src/connection.js')) return false;
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/**/*.test.ts', 'db/**/*.test.ts'], exclude: ['**/*.db.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['lib/**/*.db.test.ts', 'db/**/*.db.test.ts'],
          globalSetup: ['lib/test/db-global-setup.ts'],
          setupFiles: ['lib/test/db-setup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
