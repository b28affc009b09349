import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './functions/src/adapters/postgres/schema.ts',
  out: './functions/drizzle',
});
