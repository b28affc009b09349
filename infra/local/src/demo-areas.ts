// The demo tenant's operator limited to an area (issue 21, ADR 0042): Sam Ortiz, the shift operator
// the demo policy pages first, logs in as operator@plantwatch.local (the demo password) and sees only
// Inlet works; his user is linked to his contact, so he is paged only for alarms there. Every demo
// rule that pages is in Inlet works, so the demo's paging is unchanged.
import { randomBytes, randomUUID } from 'node:crypto';
import type { LocalDeps } from './compose.ts';
import { demoContacts } from './demo-escalation.ts';
import { DEMO_GATEWAY_NAME } from './seed.ts';

export const DEMO_OPERATOR_EMAIL = 'operator@plantwatch.local';
export const DEMO_OPERATOR_AREA = 'Inlet works';

/**
 * Seeds the operator once: nothing when the address is already a user (an owner who changed his
 * areas keeps them), or when the demo has no Inlet works or no operator contact (edited since).
 */
export async function seedDemoAreas(
  deps: LocalDeps,
  tenantId: string,
  password: string,
): Promise<{ created: boolean }> {
  const found = await deps.store.inTenant(tenantId, async (repos) => {
    if ((await repos.users.list()).some((user) => user.email === DEMO_OPERATOR_EMAIL)) return null;
    const gateway = (await repos.gateways.list({ scope: null })).find((g) => g.name === DEMO_GATEWAY_NAME);
    const works = gateway
      ? (await repos.assets.listForSite(gateway.siteId)).find(
          (asset) => asset.parentId === null && asset.name === DEMO_OPERATOR_AREA,
        )
      : undefined;
    const contact = (await repos.contacts.list()).find((c) => c.name === demoContacts.operator.name);
    return works && contact ? { worksId: works.id, contactId: contact.id } : null;
  });
  if (!found) return { created: false };
  const passwordHash = await deps.passwords.hash(password);
  return deps.store.inTenant(tenantId, async (repos) => {
    const user = await repos.users.insertInvited({
      id: randomUUID(),
      email: DEMO_OPERATOR_EMAIL,
      name: demoContacts.operator.name.replace(/ \(.*\)$/, ''),
      role: 'operator',
      siteIds: [],
      // never sent: the operator is active at once, with the demo password
      inviteTokenHash: randomBytes(32).toString('hex'),
      inviteExpiresAt: new Date(),
    });
    await repos.users.activate(user.id, passwordHash);
    await repos.areas.setForUser(user.id, [found.worksId]);
    await repos.areas.setContact(user.id, found.contactId);
    return { created: true };
  });
}
