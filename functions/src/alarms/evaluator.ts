// The AlarmEvaluator the ingest path calls: runs the pure engine over a stored batch and persists
// the new states and journal entries in the same tenant transaction, so a crash loses neither alone.
import type {
  AlarmEvaluator,
  Clock,
  ConfigStore,
  IdGenerator,
  TelemetryPointRecord,
} from '@plantwatch/shared';
import { alarmIdOf, readAlarmRuleState } from '../use-cases/alarms.ts';
import { type AlarmSample, evaluateSamples, toAlarmEvent } from './engine.ts';

export interface AlarmEvaluatorDeps {
  store: ConfigStore;
  ids: IdGenerator;
  clock: Clock;
}

/**
 * Tag-watching rules only: comm-loss rules are judged by the periodic check, not yet wired.
 * Idempotent: the engine skips samples at or before the state's last sample time, so a redelivered
 * batch changes no state and records no event.
 */
export function createAlarmEvaluator(deps: AlarmEvaluatorDeps): AlarmEvaluator {
  return {
    async evaluate({ tenantId, gatewayId, points }) {
      if (points.length === 0) return;
      await deps.store.inTenant(tenantId, async (repos) => {
        const refs = await repos.tags.telemetryRefs({ gatewayId, scope: null });
        const tagIdOf = new Map(refs.map((ref) => [`${ref.deviceKey}\u0000${ref.tagKey}`, ref.tagId]));
        const samplesByTag = new Map<string, AlarmSample[]>();
        for (const point of points) {
          const tagId = tagIdOf.get(`${point.deviceKey}\u0000${point.tagKey}`);
          if (tagId === undefined) continue;
          const samples = samplesByTag.get(tagId) ?? [];
          samples.push(toSample(point));
          samplesByTag.set(tagId, samples);
        }
        if (samplesByTag.size === 0) return;
        const rules = (await repos.alarmRules.list({ tagIds: [...samplesByTag.keys()], scope: null })).filter(
          (rule) => rule.enabled && rule.tagId !== null,
        );
        if (rules.length === 0) return;
        const stored = new Map(
          (await repos.alarmStates.list(rules.map((rule) => rule.id))).map((row) => [row.ruleId, row.state]),
        );
        const now = deps.clock.now();
        for (const rule of rules) {
          const samples = rule.tagId === null ? undefined : samplesByTag.get(rule.tagId);
          if (!samples) continue;
          const before = readAlarmRuleState(rule, stored.get(rule.id));
          const result = evaluateSamples(rule, before, samples);
          if (JSON.stringify(result.state) === JSON.stringify(before) && stored.has(rule.id)) continue;
          await repos.alarmStates.put(rule.id, result.state, now);
          await repos.alarmEvents.insert(
            result.transitions.map((transition) => ({
              ...toAlarmEvent(transition, {
                id: deps.ids.newId(),
                tenantId,
                siteId: rule.siteId,
                alarmId: alarmIdOf(rule.id, transition.key),
              }),
              alarmKey: transition.key,
            })),
          );
        }
      });
    },
  };
}

const toSample = (point: TelemetryPointRecord): AlarmSample => ({
  ts: point.ts,
  value: point.value,
  quality: point.quality,
});
