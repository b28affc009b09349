// Every tenant-owned table, for the test that checks row-level security is enabled and forced on each.

import { escalationTenantTables } from '../../escalation/adapters/postgres/schema.ts';
import { layoutTenantTables } from '../../layout/adapters/postgres/schema.ts';
import { notifyTenantTables } from '../../notify/adapters/postgres/schema.ts';
import { peopleTenantTables } from '../../people/adapters/postgres/schema.ts';
import { reportsTenantTables } from '../../reports/adapters/postgres/schema.ts';
import { logoTenantTables } from '../../reports/adapters/postgres/schema-logo.ts';
import { tenantOwnedTables as coreTenantTables } from './schema.ts';

export const tenantOwnedTables: readonly string[] = [
  ...coreTenantTables,
  ...peopleTenantTables,
  ...notifyTenantTables,
  ...escalationTenantTables,
  ...reportsTenantTables,
  ...layoutTenantTables,
  ...logoTenantTables,
];
