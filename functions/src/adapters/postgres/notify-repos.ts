// Notifications (the outbox), acknowledgement tokens and escalation runs (issue #5): the PostgreSQL implementation of NotifyRepositories.
import type { NotifyRepositories } from '@plantwatch/shared';
import type { ConfigDb } from './database.ts';

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function notifyRepositories(_tx: ConfigDb, _tenantId: string): NotifyRepositories {
  return {};
}
