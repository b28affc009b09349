import { defineConfig } from 'drizzle-kit';

// One file per area, so areas add tables without touching each other's files.
// scripts/db-generate-locked generates from the committed versions of the other files.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './functions/src/adapters/postgres/schema.ts',
    './functions/src/adapters/postgres/schema-people.ts',
    './functions/src/adapters/postgres/schema-notify.ts',
    './functions/src/adapters/postgres/schema-escalation.ts',
    './functions/src/adapters/postgres/schema-reports.ts',
    './functions/src/adapters/postgres/schema-layout.ts',
    './functions/src/adapters/postgres/schema-ratelimit.ts',
    './functions/src/adapters/postgres/schema-logo.ts',
  ],
  out: './functions/drizzle',
});
