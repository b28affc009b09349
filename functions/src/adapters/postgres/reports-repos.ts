// Report definitions and runs (issue #7): the PostgreSQL implementation of ReportRepositories.
import type { ReportRepositories } from '@plantwatch/shared';
import type { ConfigDb } from './database.ts';

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function reportsRepositories(_tx: ConfigDb, _tenantId: string): ReportRepositories {
  return {};
}
