import { defineConfig } from 'drizzle-kit';

// One file per area, so areas add tables without touching each other's files.
// scripts/db-generate-locked generates from the committed versions of the other files.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './functions/src/platform/database/schema.ts',
    './functions/src/people/adapters/postgres/schema.ts',
    './functions/src/notify/adapters/postgres/schema.ts',
    './functions/src/escalation/adapters/postgres/schema.ts',
    './functions/src/reports/adapters/postgres/schema.ts',
    './functions/src/layout/adapters/postgres/schema.ts',
    './functions/src/accounts/adapters/postgres/schema-ratelimit.ts',
    './functions/src/reports/adapters/postgres/schema-logo.ts',
  ],
  out: './functions/drizzle',
});
