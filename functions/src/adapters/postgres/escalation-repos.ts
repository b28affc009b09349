// Escalation runs: which chain runs for which alarm event, and how far it got (issue #5): the PostgreSQL implementation of EscalationRepositories.
import type { EscalationRepositories } from '@plantwatch/shared';
import type { ConfigDb } from './database.ts';

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function escalationRepositories(_tx: ConfigDb, _tenantId: string): EscalationRepositories {
  return {};
}
