import { defineConfig } from 'drizzle-kit';

// The platform's schema (tenants, column helpers) and one or more per capability, so capabilities add
// tables without touching each other's files.
// scripts/db-generate-locked generates from the committed versions of the other files.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./functions/src/platform/database/schema.ts', './functions/src/*/adapters/postgres/schema*.ts'],
  out: './functions/drizzle',
});
