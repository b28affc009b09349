// Writing down what the engine decided (the rule's new state and its journal entries, inside the
// caller's tenant transaction), and the escalation hooks that run once that transaction committed.
import { createHash } from 'node:crypto';
import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import type { IdGenerator } from '../platform/id-generator.ts';
import { logger } from '../platform/observability.ts';
import {
  type AlarmEngineResult,
  type AlarmKey,
  type AlarmRuleState,
  alarmRuleStateSchema,
  initialAlarmRuleState,
  toAlarmEvent,
} from './engine.ts';
import type { AlarmRepositories, EscalationStarter } from './ports.ts';

/**
 * One alarm is a rule and a key (a limit-stack level, or "alarm"): its id is derived from both, so
 * every instance and every process names the same alarm the same way without storing a row for it.
 */
export function alarmIdOf(ruleId: string, key: AlarmKey): string {
  const hex = createHash('sha256').update(`${ruleId}:${key}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function readAlarmRuleState(rule: AlarmRule, stored: unknown): AlarmRuleState {
  if (stored === undefined) return initialAlarmRuleState(rule);
  const state = alarmRuleStateSchema.parse(stored);
  // a limit stack edited to gain a level starts that level at normal
  return {
    ...initialAlarmRuleState(rule),
    ...state,
    alarms: { ...initialAlarmRuleState(rule).alarms, ...state.alarms },
  };
}

export interface LoadedState {
  state: AlarmRuleState;
  stored: boolean;
  updatedAt: Date | null;
}

/**
 * The rules' current states. With `lock`, the rules are locked first (until the transaction ends), so
 * what is read here is still true when the new state is written: the guard that lets two instances
 * (two ingest Lambdas, the periodic check, an operator) work on the same alarms.
 */
export async function loadStates(
  repos: AlarmRepositories,
  rules: readonly AlarmRule[],
  options: { lock: boolean },
): Promise<Map<string, LoadedState>> {
  const ids = rules.map((rule) => rule.id);
  if (options.lock) await repos.alarmStates.lock(ids);
  const stored = new Map((await repos.alarmStates.list(ids)).map((row) => [row.ruleId, row]));
  return new Map(
    rules.map((rule) => {
      const row = stored.get(rule.id);
      return [
        rule.id,
        {
          state: readAlarmRuleState(rule, row?.state),
          stored: row !== undefined,
          updatedAt: row?.updatedAt ?? null,
        },
      ];
    }),
  );
}

/** What to tell the escalation chains once the events are safely stored. */
export type EscalationHook =
  | { kind: 'start'; alarmEventId: string; alarmId: string; policyId: string }
  | { kind: 'stop'; alarmId: string; reason: string };

/** Event kinds after which nobody should be paged any more: acknowledged, or taken off the operator's list. */
const stopsEscalation: Partial<Record<AlarmEvent['kind'], string>> = {
  acknowledged: 'acknowledged',
  shelved: 'shelved',
  'out-of-service': 'removed from service',
};

export function escalationHooks(rule: AlarmRule, events: readonly AlarmEvent[]): EscalationHook[] {
  return events.flatMap((event): EscalationHook[] => {
    if (event.kind === 'raised' && event.to === 'active-unacked') {
      return rule.escalationPolicyId === null
        ? []
        : [
            {
              kind: 'start',
              alarmEventId: event.id,
              alarmId: event.alarmId,
              policyId: rule.escalationPolicyId,
            },
          ];
    }
    const reason = stopsEscalation[event.kind];
    if (reason === undefined) return [];
    const who = event.by.name ?? event.by.id ?? event.by.type;
    return [{ kind: 'stop', alarmId: event.alarmId, reason: `${reason} by ${who} (${event.channel})` }];
  });
}

/**
 * Stores the rule's new state and its transitions as journal entries. Returns the events and the
 * escalation hooks to run after commit. Writes nothing when nothing changed and the state exists.
 */
export async function recordResult(
  repos: AlarmRepositories,
  context: { ids: IdGenerator; tenantId: string; now: Date },
  rule: AlarmRule,
  before: { state: AlarmRuleState; stored: boolean },
  result: AlarmEngineResult,
): Promise<{ events: AlarmEvent[]; hooks: EscalationHook[]; written: boolean }> {
  const unchanged = JSON.stringify(result.state) === JSON.stringify(before.state);
  if (unchanged && before.stored && result.transitions.length === 0) {
    return { events: [], hooks: [], written: false };
  }
  const events = result.transitions.map((transition) => ({
    ...toAlarmEvent(transition, {
      id: context.ids.newId(),
      tenantId: context.tenantId,
      siteId: rule.siteId,
      alarmId: alarmIdOf(rule.id, transition.key),
    }),
    alarmKey: transition.key,
  }));
  await repos.alarmStates.put(rule.id, result.state, context.now);
  await repos.alarmEvents.insert(events);
  const plain = events.map(({ alarmKey: _alarmKey, ...event }): AlarmEvent => event);
  return { events: plain, hooks: escalationHooks(rule, plain), written: true };
}

/**
 * Runs the hooks; never throws. Starting is idempotent (the execution is named after the alarm event),
 * so a failure here is logged and the alarm stays recorded: the journal is the truth, paging is a
 * consequence of it.
 */
export async function runEscalationHooks(
  escalation: EscalationStarter | undefined,
  tenantId: string,
  hooks: readonly EscalationHook[],
): Promise<void> {
  if (escalation === undefined || hooks.length === 0) return;
  // In order: one action can raise and then acknowledge the same alarm (an on-delay that ran out just
  // before the acknowledgement), and the stop must not overtake the start.
  for (const hook of hooks) {
    try {
      if (hook.kind === 'start') {
        await escalation.start({
          tenantId,
          alarmEventId: hook.alarmEventId,
          alarmId: hook.alarmId,
          policyId: hook.policyId,
        });
      } else {
        await escalation.stop({ tenantId, alarmId: hook.alarmId, reason: hook.reason });
      }
    } catch (error) {
      logger.error(`escalation ${hook.kind} failed; the alarm is recorded`, {
        tenantId,
        alarmId: hook.alarmId,
        error,
      });
    }
  }
}
