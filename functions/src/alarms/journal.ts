// Writing down what the engine decided: the rule's new state and its journal entries, inside the
// caller's tenant transaction.
import { createHash } from 'node:crypto';
import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import type { IdGenerator } from '../platform/id-generator.ts';
import {
  type AlarmEngineResult,
  type AlarmKey,
  type AlarmRuleState,
  alarmRuleStateSchema,
  initialAlarmRuleState,
  toAlarmEvent,
} from './engine.ts';
import type { AlarmRepositories } from './ports.ts';

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

/**
 * Stores the rule's new state and its transitions as journal entries. Returns the events. Writes
 * nothing when nothing changed and the state exists.
 */
export async function recordResult(
  repos: AlarmRepositories,
  context: { ids: IdGenerator; tenantId: string; now: Date },
  rule: AlarmRule,
  before: { state: AlarmRuleState; stored: boolean },
  result: AlarmEngineResult,
): Promise<{ events: AlarmEvent[]; written: boolean }> {
  const unchanged = JSON.stringify(result.state) === JSON.stringify(before.state);
  if (unchanged && before.stored && result.transitions.length === 0) {
    return { events: [], written: false };
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
  return { events: plain, written: true };
}
