// What a recorded alarm change asks of escalation: a chain to start for a raise that pages, a chain
// to stop for an acknowledgement (or a shelving, a removal from service). Written as intents in the
// same transaction as the events, so a crash, a throttled API or a provider outage delays a page and
// never loses it. The re-page hold-off is decided here: a raise soon after the alarm was acknowledged
// or cleared pages nobody, and the journal says so.
import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import type { AreaRepositories } from '../assets/area-ports.ts';
import { areaPolicyOf } from '../assets/area-rules.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { alarmKeys } from './engine.ts';
import { alarmIdOf } from './journal.ts';
import type { AlarmRepositories, EscalationIntentInput } from './ports.ts';

/** Event kinds after which nobody should be paged any more: acknowledged, or taken off the operator's list. */
const stopsEscalation: Partial<Record<AlarmEvent['kind'], string>> = {
  acknowledged: 'acknowledged',
  shelved: 'shelved',
  'out-of-service': 'removed from service',
};

/** After these, a raise within the rule's hold-off pages nobody. */
const settlingKinds: readonly AlarmEvent['kind'][] = ['acknowledged', 'cleared'];

const MINUTE_MS = 60_000;

/**
 * The intents for one rule's new events (in their order), and the journal entries of raises held
 * back; both are written in the caller's transaction. `held` entries are already inserted.
 */
export async function escalationIntentsFor(
  repos: AlarmRepositories & Partial<AreaRepositories>,
  context: { ids: IdGenerator; tenantId: string },
  rule: AlarmRule,
  events: readonly AlarmEvent[],
): Promise<{ intents: EscalationIntentInput[]; held: AlarmEvent[] }> {
  const intents: EscalationIntentInput[] = [];
  const held: (AlarmEvent & { alarmKey: string })[] = [];
  let areaPolicyId: string | null | undefined;
  for (const event of events) {
    if (event.kind === 'raised' && event.to === 'active-unacked') {
      if (rule.escalationPolicyId === null) continue;
      const holdOff = await holdOffSince(repos, rule, event);
      if (holdOff !== null) {
        held.push({
          id: context.ids.newId(),
          tenantId: context.tenantId,
          alarmId: event.alarmId,
          ruleId: event.ruleId,
          siteId: event.siteId,
          at: event.at,
          from: event.to,
          to: event.to,
          kind: 'page-held',
          by: { type: 'system', name: 're-page hold-off' },
          channel: 'system',
          comment: `not paged: raised ${Math.round((Date.parse(event.at) - holdOff.getTime()) / 1000)} s after it was acknowledged or cleared, within the rule's ${rule.repageHoldOffMinutes} min hold-off`,
          alarmKey: alarmKeyOf(rule, event),
        });
        continue;
      }
      if (areaPolicyId === undefined) areaPolicyId = await areaPolicy(repos, rule);
      intents.push({
        kind: 'start',
        ruleId: rule.id,
        alarmId: event.alarmId,
        alarmEventId: event.id,
        policyId: areaPolicyId ?? rule.escalationPolicyId,
        reason: null,
      });
      continue;
    }
    const reason = stopsEscalation[event.kind];
    if (reason === undefined) continue;
    const who = event.by.name ?? event.by.id ?? event.by.type;
    intents.push({
      kind: 'stop',
      ruleId: rule.id,
      alarmId: event.alarmId,
      alarmEventId: event.id,
      policyId: null,
      reason: `${reason} by ${who} (${event.channel})`,
    });
  }
  if (held.length > 0) await repos.alarmEvents.insert(held);
  return { intents, held: held.map(({ alarmKey: _alarmKey, ...event }) => event) };
}

/**
 * The policy of the nearest area above the rule's tag (or the asset it was made for) that has one
 * (ADR 0042); null: none, and the rule's own policy pages. Only a rule that pages at all asks.
 */
async function areaPolicy(repos: Partial<AreaRepositories>, rule: AlarmRule): Promise<string | null> {
  if (!repos.areas) return null;
  return areaPolicyOf(await repos.areas.ofAlarm(rule))?.escalationPolicyId ?? null;
}

/** When the alarm last settled, if that is within the rule's hold-off before this raise; else null. */
async function holdOffSince(
  repos: AlarmRepositories,
  rule: AlarmRule,
  raised: AlarmEvent,
): Promise<Date | null> {
  if (rule.repageHoldOffMinutes <= 0) return null;
  const last = await repos.alarmEvents.lastAt(raised.alarmId, settlingKinds);
  if (last === null) return null;
  const since = Date.parse(raised.at) - last.getTime();
  return since >= 0 && since < rule.repageHoldOffMinutes * MINUTE_MS ? last : null;
}

/** The journal keeps the limit level (or "alarm") of each entry beside its alarm id. */
const alarmKeyOf = (rule: AlarmRule, event: AlarmEvent): string =>
  alarmKeys(rule).find((key) => alarmIdOf(rule.id, key) === event.alarmId) ?? 'alarm';
