// Every tenant-owned table, for the test that checks row-level security is enabled and forced on each.
import { accountsTenantTables } from '../../accounts/adapters/postgres/schema.ts';
import { alarmsTenantTables } from '../../alarms/adapters/postgres/schema.ts';
import { escalationTenantTables } from '../../escalation/adapters/postgres/schema.ts';
import { ingestTenantTables } from '../../ingest/adapters/postgres/schema.ts';
import { layoutTenantTables } from '../../layout/adapters/postgres/schema.ts';
import { notifyTenantTables } from '../../notify/adapters/postgres/schema.ts';
import { peopleTenantTables } from '../../people/adapters/postgres/schema.ts';
import { plantTenantTables } from '../../plant/adapters/postgres/schema.ts';
import { reportsTenantTables } from '../../reports/adapters/postgres/schema.ts';
import { logoTenantTables } from '../../reports/adapters/postgres/schema-logo.ts';

export const tenantOwnedTables: readonly string[] = [
  ...accountsTenantTables,
  ...plantTenantTables,
  ...ingestTenantTables,
  ...alarmsTenantTables,
  ...peopleTenantTables,
  ...notifyTenantTables,
  ...escalationTenantTables,
  ...reportsTenantTables,
  ...layoutTenantTables,
  ...logoTenantTables,
];
