// The demo tenant's escalation: two contacts and a two-level policy named by the demo's wet-well and
// pump-trip rules, so a newcomer who leaves an alarm alone sees the level-one message in the outbox
// at once and the level-two message a minute later (GET /v1/outbox, or the web app's message log).

import * as alarms from '@plantwatch/functions/alarms/alarms';
import * as people from '@plantwatch/functions/people/people';
import type { Principal } from '@plantwatch/functions/platform/principal';
import {
  createContactSchema,
  createEscalationPolicySchema,
  type EscalationPolicy,
  updateAlarmRuleSchema,
} from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import { type DemoAlarmRuleKey, demoAlarmRuleIds } from './demo-alarms.ts';

export const DEMO_POLICY_NAME = 'Demo on-call: operator, then manager';

/** Fictional numbers from Ofcom's drama range and example.com addresses: the outbox keeps them all. */
export const demoContacts = {
  operator: {
    name: 'Sam Ortiz (shift operator)',
    channels: [
      { type: 'sms', address: '+447700900123' },
      { type: 'email', address: 'sam.ortiz@example.com' },
    ],
  },
  manager: { name: 'Priya Nair (plant manager)', channels: [{ type: 'sms', address: '+447700900456' }] },
} as const;

/** The rules whose alarms page people: the level's HiHi/Hi/Lo and a pump trip. */
const PAGING_RULES: readonly DemoAlarmRuleKey[] = ['wetWellLevel', 'pumpTrip'];

const ownerOf = (tenantId: string): Principal => ({
  tenantId,
  role: 'owner',
  siteIds: null,
  userId: null,
  apiKeyId: null,
  sessionId: null,
});

/**
 * Creates the demo contacts and policy once (a policy of that name already there means it was done,
 * and an owner who then took the policy off a rule keeps it off), and names it on the paging rules.
 */
export async function seedDemoEscalation(
  deps: LocalDeps,
  tenantId: string,
): Promise<{ policy: EscalationPolicy | null; rules: number }> {
  const owner = ownerOf(tenantId);
  const existing = await people.listEscalationPolicies(deps, owner);
  if (existing.some((policy) => policy.name === DEMO_POLICY_NAME)) return { policy: null, rules: 0 };
  const operator = await people.createContact(deps, owner, createContactSchema.parse(demoContacts.operator));
  const manager = await people.createContact(deps, owner, createContactSchema.parse(demoContacts.manager));
  const policy = await people.createEscalationPolicy(
    deps,
    owner,
    createEscalationPolicySchema.parse({
      name: DEMO_POLICY_NAME,
      repeat: 0,
      levels: [
        { delayMinutes: 0, targets: [{ type: 'contact', contactId: operator.id }] },
        { delayMinutes: 1, targets: [{ type: 'contact', contactId: manager.id }] },
      ],
    }),
  );
  const ruleIds = await demoAlarmRuleIds(deps, tenantId);
  let rules = 0;
  for (const key of PAGING_RULES) {
    const ruleId = ruleIds[key];
    if (!ruleId) continue;
    await alarms.updateAlarmRule(
      deps,
      owner,
      ruleId,
      updateAlarmRuleSchema.parse({ escalationPolicyId: policy.id }),
    );
    rules += 1;
  }
  return { policy, rules };
}
