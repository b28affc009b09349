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
  /** The stored row's version (0: none stored): a write from memory checks it is still this one. */
  version: number;
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
          version: row?.version ?? 0,
          updatedAt: row?.updatedAt ?? null,
        },
      ];
    }),
  );
}

/** Whether a decision changes anything: a state to write or transitions to record. */
export function changesAnything(
  before: { state: AlarmRuleState; stored: boolean },
  result: AlarmEngineResult,
) {
  return (
    !before.stored ||
    result.transitions.length > 0 ||
    // a new sample moves this on: the common case, told without serialising both states
    result.state.lastSampleTs !== before.state.lastSampleTs ||
    JSON.stringify(result.state) !== JSON.stringify(before.state)
  );
}

/** The journal entries of a decision's transitions, with their ids and alarm ids. */
export function journalEntries(
  context: { ids: IdGenerator; tenantId: string },
  rule: AlarmRule,
  result: AlarmEngineResult,
): (AlarmEvent & { alarmKey: string })[] {
  return result.transitions.map((transition) => ({
    ...toAlarmEvent(transition, {
      id: context.ids.newId(),
      tenantId: context.tenantId,
      siteId: rule.siteId,
      alarmId: alarmIdOf(rule.id, transition.key),
    }),
    alarmKey: transition.key,
  }));
}

export const withoutAlarmKey = ({
  alarmKey: _alarmKey,
  ...event
}: AlarmEvent & { alarmKey: string }): AlarmEvent => event;
