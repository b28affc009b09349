// What callers read off the engine's results: the most severe active level of a limit stack, a
// level's delays, and a transition as the journal entry it becomes.
import type { AlarmEvent, AlarmRule, AlarmState, LimitLevel } from '@plantwatch/shared';
import type { AlarmKey, AlarmRuleState, AlarmTransition } from './state.ts';

export function isActive(state: AlarmState): boolean {
  return state === 'active-unacked' || state === 'active-acked';
}

/** A level's own on- and off-delays (ADR 0045), else the rule's. */
export function delaysOf(rule: AlarmRule, key: AlarmKey): { onDelayMs: number; offDelayMs: number } {
  const entry =
    rule.kind === 'limit' && key !== 'alarm' ? rule.levels.find((e) => e.level === key) : undefined;
  return {
    onDelayMs: entry?.onDelayMs ?? rule.onDelayMs,
    offDelayMs: entry?.offDelayMs ?? rule.offDelayMs,
  };
}

/** The most severe level of a limit stack that is in alarm now, or null. */
export function mostSevereActiveLevel(rule: AlarmRule, state: AlarmRuleState): LimitLevel | null {
  if (rule.kind !== 'limit') return null;
  const active = rule.levels
    .filter((entry) => isActive(state.alarms[entry.level]?.state ?? 'normal'))
    .sort(
      (a, b) =>
        severityRank(a.severity) - severityRank(b.severity) || outerRank(a.level) - outerRank(b.level),
    );
  return active[0]?.level ?? null;
}

const severityOrder = ['critical', 'high', 'medium', 'low'] as const;
function severityRank(severity: (typeof severityOrder)[number]): number {
  return severityOrder.indexOf(severity);
}
/** HiHi and LoLo are further from normal than Hi and Lo. */
function outerRank(level: LimitLevel): number {
  return level === 'hihi' || level === 'lolo' ? 0 : 1;
}

/** The journal entry for a transition, once the caller has the ids the engine does not make. */
export function toAlarmEvent(
  transition: AlarmTransition,
  ids: { id: string; tenantId: string; siteId: string; alarmId: string },
): AlarmEvent {
  const event: AlarmEvent = {
    id: ids.id,
    tenantId: ids.tenantId,
    alarmId: ids.alarmId,
    ruleId: transition.ruleId,
    siteId: ids.siteId,
    at: new Date(transition.at).toISOString(),
    from: transition.from,
    to: transition.to,
    kind: transition.kind,
    by: transition.by,
    channel: transition.channel,
  };
  if (transition.value !== undefined) event.value = transition.value;
  if (transition.comment !== undefined) event.comment = transition.comment;
  return event;
}
