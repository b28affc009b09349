// An alarm as the API shows it, from its rule and the engine's state: name and severity of each level,
// the ISA-18.2 state with the shelved and out-of-service flags, and when it last cleared.
import type { Alarm, AlarmRule, AlarmSeverity } from '@plantwatch/shared';
import { type AlarmKey, type AlarmRuleState, alarmKeys } from './engine.ts';
import { alarmIdOf } from './journal.ts';

export const severityOrder: readonly AlarmSeverity[] = ['critical', 'high', 'medium', 'low'];

function severityOf(rule: AlarmRule, key: AlarmKey): AlarmSeverity {
  if (rule.kind === 'limit') return rule.levels.find((entry) => entry.level === key)?.severity ?? 'high';
  return rule.severity;
}

function nameOf(rule: AlarmRule, key: AlarmKey) {
  if (rule.kind !== 'limit') return rule.name;
  const level = rule.levels.find((entry) => entry.level === key);
  return (
    level?.name ??
    `${rule.name} ${key === 'hihi' ? 'HiHi' : key === 'lolo' ? 'LoLo' : key === 'hi' ? 'Hi' : 'Lo'}`
  );
}

export const isActive = (state: Alarm['state']) => state === 'active-unacked' || state === 'active-acked';

/**
 * The rule's alarms as the API shows them. `clearedAt` holds when each alarm (by id) last cleared, from
 * the journal; an alarm still active shows none.
 */
export function toAlarms(
  rule: AlarmRule,
  state: AlarmRuleState,
  updatedAt: Date | null,
  clearedAt: ReadonlyMap<string, Date> = new Map(),
): Alarm[] {
  return alarmKeys(rule).flatMap((key) => {
    const alarm = state.alarms[key];
    if (!alarm) return [];
    const id = alarmIdOf(rule.id, key);
    const cleared = isActive(alarm.state) ? undefined : clearedAt.get(id);
    return [
      {
        id,
        tenantId: rule.tenantId,
        ruleId: rule.id,
        siteId: rule.siteId,
        tagId: rule.tagId,
        level: key === 'alarm' ? null : key,
        name: nameOf(rule, key),
        severity: severityOf(rule, key),
        state: alarm.state,
        shelved: alarm.shelvedUntil !== null,
        shelvedUntil: alarm.shelvedUntil === null ? null : new Date(alarm.shelvedUntil).toISOString(),
        outOfService: alarm.outOfService,
        value: alarm.value,
        activeSince: alarm.activeSince === null ? null : new Date(alarm.activeSince).toISOString(),
        clearedAt: cleared ? cleared.toISOString() : null,
        updatedAt: (updatedAt ?? new Date(rule.updatedAt)).toISOString(),
      },
    ];
  });
}

/** Whether any of the rule's alarms is out of the active states (only those can show a clear time). */
export const hasClearedAlarm = (state: AlarmRuleState | undefined) =>
  state !== undefined && Object.values(state.alarms).some((alarm) => alarm && !isActive(alarm.state));
