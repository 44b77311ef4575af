import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations for changes in db/schema.ts into drizzle/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './drizzle',
});
