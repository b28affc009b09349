// Contacts, on-call rotations and escalation policies (issue #5).
// Tenant-owned like every table in schema.ts: tenant_id on each row, children referencing parents
// by (tenant_id, id), row-level security in a hand-written migration. Add a migration with
// scripts/db-generate-locked; list every new table in peopleTenantTables.

export const peopleTenantTables = [] as const;
