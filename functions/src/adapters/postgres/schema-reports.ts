// Report definitions and runs (issue #7).
// Tenant-owned like every table in schema.ts: tenant_id on each row, children referencing parents
// by (tenant_id, id), row-level security in a hand-written migration. Add a migration with
// scripts/db-generate-locked; list every new table in reportsTenantTables.

export const reportsTenantTables = [] as const;
