// Contacts, on-call rotations and escalation policies (issue #5): the PostgreSQL implementation of PeopleRepositories.
import type { PeopleRepositories } from '@plantwatch/shared';
import type { ConfigDb } from './database.ts';

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function peopleRepositories(_tx: ConfigDb, _tenantId: string): PeopleRepositories {
  return {};
}
