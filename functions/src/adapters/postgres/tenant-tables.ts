// Every tenant-owned table, for the test that checks row-level security is enabled and forced on each.
import { tenantOwnedTables as coreTenantTables } from './schema.ts';
import { escalationTenantTables } from './schema-escalation.ts';
import { layoutTenantTables } from './schema-layout.ts';
import { logoTenantTables } from './schema-logo.ts';
import { notifyTenantTables } from './schema-notify.ts';
import { peopleTenantTables } from './schema-people.ts';
import { reportsTenantTables } from './schema-reports.ts';

export const tenantOwnedTables: readonly string[] = [
  ...coreTenantTables,
  ...peopleTenantTables,
  ...notifyTenantTables,
  ...escalationTenantTables,
  ...reportsTenantTables,
  ...layoutTenantTables,
  ...logoTenantTables,
];
