// Test helper: a new tenant with its owner in a config store, named so suites sharing a database
// never collide.
import { randomUUID } from 'node:crypto';
import type { AccountLookups } from '../../accounts/ports.ts';

export async function newTestTenant(
  store: Pick<AccountLookups, 'createTenant'>,
  label = 'waterworks',
  timeZone = 'Europe/London',
): Promise<{ tenantId: string; ownerId: string }> {
  const tenantId = randomUUID();
  const ownerId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: `Waterworks ${label}`, timeZone },
    owner: {
      id: ownerId,
      email: `${label}-${tenantId}@example.com`,
      name: 'Owner',
      passwordHash: 'scrypt$x',
    },
  });
  return { tenantId, ownerId };
}
