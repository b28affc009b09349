// The AlarmEvaluator ingest calls: runs the pure engine over a stored batch (and over the gateway's
// status messages) through the alarm unit of work, so new states and journal entries are written in
// one transaction and escalation chains start after it commits.
import type { AlarmRule } from '@plantwatch/shared';
import { type AlarmSample, evaluateSamples } from './engine.ts';
import { applyGatewayStatus } from './gateway-status.ts';
import type { LoadedState } from './journal.ts';
import type { AlarmEvaluator, AlarmPoint, AlarmRepositories } from './ports.ts';
import { type AlarmDecision, type AlarmWorkDeps, runAlarmWork } from './unit-of-work.ts';
import { decideFromMemory } from './write-behind.ts';

export type AlarmEvaluatorDeps = AlarmWorkDeps<AlarmRepositories> & {
  /**
   * With a write-behind (ADR 0047): how long a site's rules, checked against its fingerprint, are
   * used without asking the store again. A rule changed meanwhile takes effect within this time.
   */
  rulesFreshMs?: number | undefined;
};

/** A rule edit reaches ingest's in-memory decisions within a second. */
const RULES_FRESH_MS = 1_000;

/**
 * Tag rules get their tag's samples; a device's communication-loss rule gets every good or uncertain
 * sample of the device (a gateway reports a silent PLC as bad-quality points, which are not a sign of
 * life); a gateway's communication-loss rule gets every sample of the gateway.
 *
 * Ingest has resolved each point's tag and device from the gateway's plant model, so evaluating reads
 * nothing of the plant again. Idempotent: the engine skips samples at or before the state's last
 * sample time, so a redelivered batch changes no state and records no event.
 */
export function createAlarmEvaluator(deps: AlarmEvaluatorDeps): AlarmEvaluator {
  /** The site's rules: from memory while the site's rule fingerprint is unchanged. */
  async function siteRules(repos: AlarmRepositories, tenantId: string, siteId: string) {
    const cache = deps.states;
    if (!cache) return repos.alarmRules.list({ siteId, scope: null });
    const fingerprint = await repos.alarmRules.fingerprint(siteId);
    const kept = cache.siteRules(tenantId, siteId, fingerprint);
    if (kept) return kept;
    const rules = await repos.alarmRules.list({ siteId, scope: null });
    cache.keepSiteRules(tenantId, siteId, fingerprint, rules);
    return rules;
  }

  return {
    async evaluate({ tenantId, siteId, gatewayId, points }) {
      if (points.length === 0) return;
      const samplesFor = groupSamples(points, gatewayId);
      const watching = (rule: AlarmRule) => rule.enabled && samplesFor(rule) !== undefined;
      const decide = (rules: readonly AlarmRule[], states: ReadonlyMap<string, LoadedState>) =>
        rules.flatMap((rule): AlarmDecision[] => {
          const loaded = states.get(rule.id);
          const samples = samplesFor(rule);
          return loaded && samples ? [{ rule, result: evaluateSamples(rule, loaded.state, samples) }] : [];
        });
      // The common batch, nothing but bookkeeping for every rule: decided from memory, no transaction.
      const cache = deps.states;
      const recent = cache?.recentSiteRules(tenantId, siteId, deps.rulesFreshMs ?? RULES_FRESH_MS);
      if (cache && recent && decideFromMemory(cache, tenantId, recent.filter(watching), decide)) return;
      await runAlarmWork(deps, tenantId, {
        select: async (repos) => (await siteRules(repos, tenantId, siteId)).filter(watching),
        decide,
        result: () => undefined,
        // Each rule is decided from its own samples: rules whose states are kept in memory need no lock.
        perRule: true,
      });
    },

    /**
     * One gateway alarm instead of a flood: the gateway's communication-loss rules follow its status,
     * and its devices' communication-loss rules are suppressed while it is offline.
     */
    async gatewayStatus({ tenantId, siteId, gatewayId, online, at, droppedAt }) {
      let gatewayRules: AlarmRule[] = [];
      let deviceRules: AlarmRule[] = [];
      await runAlarmWork(deps, tenantId, {
        async select(repos) {
          const rules = (await siteRules(repos, tenantId, siteId)).filter(
            (rule) => rule.kind === 'commLoss' && rule.gatewayId === gatewayId,
          );
          gatewayRules = rules.filter(
            (rule) => rule.kind === 'commLoss' && rule.scope === 'gateway' && rule.enabled,
          );
          // Back online lets go of every device rule, also one disabled meanwhile, so none stays held.
          deviceRules = rules.filter(
            (rule) => rule.kind === 'commLoss' && rule.scope === 'device' && (rule.enabled || online),
          );
          return gatewayRules.length === 0 ? [] : [...gatewayRules, ...deviceRules];
        },
        decide(_rules, states) {
          const withState = (rule: AlarmRule) => {
            const loaded = states.get(rule.id);
            return loaded ? [{ rule, state: loaded.state }] : [];
          };
          const devices = deviceRules.flatMap(withState);
          const decisions: AlarmDecision[] = [];
          // Several gateway rules (say, a warning and a critical one) each raise; the devices are
          // suppressed once, by the first, and the others only follow the status.
          for (const [index, gateway] of gatewayRules.flatMap(withState).entries()) {
            const applied = applyGatewayStatus(gateway, index === 0 ? devices : [], {
              online,
              at,
              droppedAt,
            });
            const of = (rule: AlarmRule) => applied.transitions.filter((t) => t.ruleId === rule.id);
            decisions.push({
              rule: gateway.rule,
              result: { state: applied.gateway, transitions: of(gateway.rule) },
            });
            if (index !== 0) continue;
            for (const [deviceIndex, device] of devices.entries()) {
              const state = applied.devices[deviceIndex];
              if (state)
                decisions.push({ rule: device.rule, result: { state, transitions: of(device.rule) } });
            }
          }
          return decisions;
        },
        result: () => undefined,
      });
    },
  };
}

/**
 * An operating-curve rule sees both its tags' samples, each marked with its tag (ADR 0048): an X alone
 * updates the X it holds for the next Y.
 */
function curveSamples(
  byTag: ReadonlyMap<string, AlarmSample[]>,
  xTagId: string,
  yTagId: string,
): AlarmSample[] | undefined {
  const xs = byTag.get(xTagId);
  const ys = byTag.get(yTagId);
  if (xs === undefined && ys === undefined) return undefined;
  return [
    ...(xs ?? []).map((sample) => ({ ...sample, tagId: xTagId })),
    ...(ys ?? []).map((sample) => ({ ...sample, tagId: yTagId })),
  ];
}

/**
 * Which samples each rule sees, from one batch of one gateway. Grouped at the first rule that asks: a
 * batch whose site has no rules (or none enabled) costs nothing here.
 */
function groupSamples(points: readonly AlarmPoint[], gatewayId: string) {
  let grouped:
    | { byTag: Map<string, AlarmSample[]>; byDevice: Map<string, AlarmSample[]>; all: AlarmSample[] }
    | undefined;
  const group = () => {
    const byTag = new Map<string, AlarmSample[]>();
    const byDevice = new Map<string, AlarmSample[]>();
    const all: AlarmSample[] = [];
    const add = (map: Map<string, AlarmSample[]>, key: string, sample: AlarmSample) => {
      const list = map.get(key);
      if (list) list.push(sample);
      else map.set(key, [sample]);
    };
    for (const point of points) {
      const sample: AlarmSample = { ts: point.ts, value: point.value, quality: point.quality };
      add(byTag, point.tagId, sample);
      if (sample.quality !== 'bad') add(byDevice, point.deviceId, sample);
      all.push(sample);
    }
    return { byTag, byDevice, all };
  };
  return (rule: AlarmRule): AlarmSample[] | undefined => {
    grouped ??= group();
    const { byTag, byDevice, all } = grouped;
    if (rule.kind === 'curve') return curveSamples(byTag, rule.xTagId, rule.tagId);
    if (rule.kind !== 'commLoss') return rule.tagId === null ? undefined : byTag.get(rule.tagId);
    if (rule.gatewayId !== gatewayId) return undefined;
    if (rule.scope === 'gateway') return all;
    return rule.deviceId === null ? undefined : byDevice.get(rule.deviceId);
  };
}
