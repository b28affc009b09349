// Escalation runs: which chain runs for which alarm event, and how far it got (issue #5).
// Tenant-owned like every table in schema.ts: tenant_id on each row, children referencing parents
// by (tenant_id, id), row-level security in a hand-written migration. Add a migration with
// scripts/db-generate-locked; list every new table in escalationTenantTables.

export const escalationTenantTables = [] as const;
