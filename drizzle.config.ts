import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations for changes in db/schema/ (the tables its index exports) into drizzle/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './drizzle',
});
