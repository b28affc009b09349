// The AlarmEvaluator the ingest path calls: runs the pure engine over a stored batch (and over the
// gateway's status messages) and persists the new states and journal entries in the same tenant
// transaction, so a crash loses neither alone. Escalation chains start after that commit.
import type { AlarmRule, TelemetryPointRecord } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { ConfigStore } from '../platform/database/config-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { type AlarmSample, applyGatewayStatus, evaluateSamples } from './engine.ts';
import type { EscalationStarter } from './escalation-starter.ts';
import { type EscalationHook, loadStates, recordResult, runEscalationHooks } from './journal.ts';
import type { AlarmEvaluator } from './ports.ts';

export interface AlarmEvaluatorDeps {
  store: ConfigStore;
  ids: IdGenerator;
  clock: Clock;
  /** Starts a raised alarm's escalation chain (rules with an escalation policy); none: no paging. */
  escalation?: EscalationStarter;
}

/**
 * Tag rules get their tag's samples; a device's communication-loss rule gets every good or uncertain
 * sample of the device (a gateway reports a silent PLC as bad-quality points, which are not a sign of
 * life); a gateway's communication-loss rule gets every sample of the gateway.
 *
 * Idempotent: the engine skips samples at or before the state's last sample time, so a redelivered
 * batch changes no state and records no event. Safe with several instances: the rules are locked
 * before their states are read.
 */
export function createAlarmEvaluator(deps: AlarmEvaluatorDeps): AlarmEvaluator {
  return {
    async evaluate({ tenantId, siteId, gatewayId, points }) {
      if (points.length === 0) return;
      const hooks = await deps.store.inTenant(tenantId, async (repos) => {
        const refs = await repos.tags.telemetryRefs({ gatewayId, scope: null });
        const refOf = new Map(refs.map((ref) => [`${ref.deviceKey}\u0000${ref.tagKey}`, ref]));
        const byTag = new Map<string, AlarmSample[]>();
        const byDevice = new Map<string, AlarmSample[]>();
        const all: AlarmSample[] = [];
        const add = (map: Map<string, AlarmSample[]>, key: string, sample: AlarmSample) => {
          const list = map.get(key) ?? [];
          list.push(sample);
          map.set(key, list);
        };
        for (const point of points) {
          const ref = refOf.get(`${point.deviceKey}\u0000${point.tagKey}`);
          if (ref === undefined) continue;
          const sample = toSample(point);
          add(byTag, ref.tagId, sample);
          if (sample.quality !== 'bad') add(byDevice, ref.deviceId, sample);
          all.push(sample);
        }
        if (all.length === 0) return [];
        const samplesFor = (rule: AlarmRule): AlarmSample[] | undefined => {
          if (rule.kind !== 'commLoss') return rule.tagId === null ? undefined : byTag.get(rule.tagId);
          if (rule.gatewayId !== gatewayId) return undefined;
          return rule.scope === 'gateway'
            ? all
            : rule.deviceId === null
              ? undefined
              : byDevice.get(rule.deviceId);
        };
        const rules = (await repos.alarmRules.list({ siteId, scope: null })).filter(
          (rule) => rule.enabled && samplesFor(rule) !== undefined,
        );
        if (rules.length === 0) return [];
        const states = await loadStates(repos, rules, { lock: true });
        const now = deps.clock.now();
        const hooks: EscalationHook[] = [];
        for (const rule of rules) {
          const samples = samplesFor(rule);
          const before = states.get(rule.id);
          if (!samples || !before) continue;
          const result = evaluateSamples(rule, before.state, samples);
          const recorded = await recordResult(repos, { ids: deps.ids, tenantId, now }, rule, before, result);
          hooks.push(...recorded.hooks);
        }
        return hooks;
      });
      await runEscalationHooks(deps.escalation, tenantId, hooks);
    },

    /**
     * One gateway alarm instead of a flood: the gateway's communication-loss rules follow its status,
     * and its devices' communication-loss rules are suppressed while it is offline.
     */
    async gatewayStatus({ tenantId, siteId, gatewayId, online, at }) {
      const hooks = await deps.store.inTenant(tenantId, async (repos) => {
        const rules = (await repos.alarmRules.list({ siteId, scope: null })).filter(
          (rule) => rule.kind === 'commLoss' && rule.gatewayId === gatewayId,
        );
        const gatewayRules = rules.filter(
          (rule) => rule.kind === 'commLoss' && rule.scope === 'gateway' && rule.enabled,
        );
        // Back online lets go of every device rule, also one disabled meanwhile, so none stays held.
        const deviceRules = rules.filter(
          (rule) => rule.kind === 'commLoss' && rule.scope === 'device' && (rule.enabled || online),
        );
        if (gatewayRules.length === 0) return [];
        const states = await loadStates(repos, [...gatewayRules, ...deviceRules], { lock: true });
        const now = deps.clock.now();
        const hooks: EscalationHook[] = [];
        const withState = (rule: AlarmRule) => {
          const loaded = states.get(rule.id);
          return loaded ? [{ rule, loaded }] : [];
        };
        const devices = deviceRules.flatMap(withState);
        // Several gateway rules (say, a warning and a critical one) each raise; the devices are
        // suppressed once, by the first, and the others only follow the status.
        for (const [index, { rule, loaded }] of gatewayRules.flatMap(withState).entries()) {
          const applied = applyGatewayStatus(
            { rule, state: loaded.state },
            index === 0 ? devices.map((device) => ({ rule: device.rule, state: device.loaded.state })) : [],
            { online, at },
          );
          const own = applied.transitions.filter((transition) => transition.ruleId === rule.id);
          const recorded = await recordResult(repos, { ids: deps.ids, tenantId, now }, rule, loaded, {
            state: applied.gateway,
            transitions: own,
          });
          hooks.push(...recorded.hooks);
          if (index !== 0) continue;
          for (const [deviceIndex, device] of devices.entries()) {
            const state = applied.devices[deviceIndex];
            if (!state) continue;
            const deviceRecorded = await recordResult(
              repos,
              { ids: deps.ids, tenantId, now },
              device.rule,
              device.loaded,
              {
                state,
                transitions: applied.transitions.filter((transition) => transition.ruleId === device.rule.id),
              },
            );
            hooks.push(...deviceRecorded.hooks);
          }
        }
        return hooks;
      });
      await runEscalationHooks(deps.escalation, tenantId, hooks);
    },
  };
}

const toSample = (point: TelemetryPointRecord): AlarmSample => ({
  ts: point.ts,
  value: point.value,
  quality: point.quality,
});
