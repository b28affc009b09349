// What an asset model's current measurements and default rules would change on one asset made from
// it (pure: the use-case reads, this decides, the use-case writes). A model rule is matched to the
// asset's rule made from it by measurement and by name (the asset's rule is "<asset path>: <name>");
// a rule whose kind changed is deleted and made again (another kind is another alarm, with its own
// history). A measurement the model dropped is removed quietly only when nothing is lost: one bound
// to a tag, or watched by rules, is a conflict until it is resolved (remove, keep, or renameTo).
import {
  type AlarmRule,
  type AssetPropagation,
  type CreateAlarmRule,
  createAlarmRuleSchema,
  type PropagationResolution,
} from '@plantwatch/shared';
import type { AssetMeasurementRecord, AssetModelRecord, AssetRecord, AssetRuleLink } from './ports.ts';

export interface PlannedRuleCreate {
  measurement: string;
  rule: Exclude<CreateAlarmRule, { kind: 'commLoss' }>;
}

export interface AssetPlan {
  view: AssetPropagation;
  /** The asset's measurement list after the change (null: unchanged). */
  measurements: AssetMeasurementRecord[] | null;
  /** Rule links whose measurement is renamed. */
  relink: { ruleId: string; measurement: string }[];
  create: PlannedRuleCreate[];
  replace: { rule: AlarmRule; with: Exclude<CreateAlarmRule, { kind: 'commLoss' }> }[];
  remove: string[];
}

const lower = (text: string) => text.toLowerCase();
const ruleNameOf = (entry: AssetModelRecord['alarmRules'][number]) =>
  typeof entry.rule.name === 'string' ? entry.rule.name : entry.measurement;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
/** What an operator sets on one asset's rule, not the model: kept through a propagation. */
const OWN_FIELDS = new Set(['name', 'tagId', 'enabled']);

export function planAsset(input: {
  model: AssetModelRecord;
  asset: AssetRecord;
  path: string;
  links: readonly AssetRuleLink[];
  rules: ReadonlyMap<string, AlarmRule>;
  resolutions: readonly PropagationResolution[];
}): AssetPlan {
  const { model, asset, path, links, rules } = input;
  const view: AssetPropagation = {
    assetId: asset.id,
    siteId: asset.siteId,
    path,
    measurements: { add: [], remove: [], rename: [], unit: [], keep: [] },
    rules: { create: [], update: [], delete: [], skipped: [] },
    conflicts: [],
    changes: 0,
  };
  const resolutionOf = new Map(input.resolutions.map((r) => [lower(r.measurement), r]));
  const modelNames = new Map(model.measurements.map((m) => [lower(m.name), m]));
  const assetNames = new Set(asset.measurements.map((m) => lower(m.name)));
  const linksOf = (name: string) => links.filter((l) => lower(l.measurement) === lower(name));

  // 1. the asset's measurements the model no longer has
  const renamedTo = new Map<string, AssetMeasurementRecord>(); // model name (lower) → the old measurement
  const kept: AssetMeasurementRecord[] = [];
  const relink: AssetPlan['relink'] = [];
  for (const measurement of asset.measurements) {
    if (modelNames.has(lower(measurement.name))) continue;
    const watchedBy = linksOf(measurement.name);
    const resolution = resolutionOf.get(lower(measurement.name));
    if (resolution?.action === 'keep') {
      kept.push(measurement);
      view.measurements.keep.push(measurement.name);
      continue;
    }
    if (resolution?.action === 'renameTo') {
      const target = modelNames.get(lower(resolution.to));
      const taken = assetNames.has(lower(resolution.to)) || renamedTo.has(lower(resolution.to));
      if (target && !taken) {
        renamedTo.set(lower(target.name), measurement);
        view.measurements.rename.push({ from: measurement.name, to: target.name, tagId: measurement.tagId });
        for (const link of watchedBy) relink.push({ ruleId: link.ruleId, measurement: target.name });
        continue;
      }
      view.conflicts.push({
        measurement: measurement.name,
        tagId: measurement.tagId,
        rules: watchedBy.map((l) => l.ruleName),
        message: target
          ? `"${target.name}" is already a measurement of this asset: it cannot take "${measurement.name}"'s tag`
          : `"${resolution.to}" is not a measurement of "${model.name}"`,
      });
      continue;
    }
    if (resolution?.action === 'remove' || (measurement.tagId === null && watchedBy.length === 0)) {
      view.measurements.remove.push({ name: measurement.name, tagId: measurement.tagId });
      continue;
    }
    view.conflicts.push({
      measurement: measurement.name,
      tagId: measurement.tagId,
      rules: watchedBy.map((l) => l.ruleName),
      message: `"${measurement.name}" is not in "${model.name}" any more, and ${
        measurement.tagId ? 'is bound to a tag' : ''
      }${measurement.tagId && watchedBy.length > 0 ? ' and ' : ''}${
        watchedBy.length > 0 ? `watched by ${watchedBy.map((l) => `"${l.ruleName}"`).join(', ')}` : ''
      }: resolve it (remove, keep, or renameTo a measurement of the model)`,
    });
  }

  // 2. the model's measurements, in the model's order, then those the asset keeps as its own
  const current = new Map(asset.measurements.map((m) => [lower(m.name), m]));
  const next: AssetMeasurementRecord[] = model.measurements.map((definition) => {
    const existing = current.get(lower(definition.name)) ?? renamedTo.get(lower(definition.name));
    if (!existing) {
      view.measurements.add.push({ name: definition.name, unit: definition.unit, tagId: null });
      return { name: definition.name, unit: definition.unit, tagId: null };
    }
    if (existing.unit !== definition.unit && current.has(lower(definition.name)))
      view.measurements.unit.push({ name: definition.name, from: existing.unit, to: definition.unit });
    return { name: definition.name, unit: definition.unit, tagId: existing.tagId };
  });
  // a conflict leaves its measurement where it is until it is resolved
  for (const conflict of view.conflicts) {
    const measurement = current.get(lower(conflict.measurement));
    if (measurement) kept.push(measurement);
  }
  const measurements = [...next, ...kept];
  const tagOf = new Map(measurements.map((m) => [lower(m.name), m.tagId]));

  // 3. rules: each model rule matched to the asset's rule made from it, or made
  const unmatched = new Map(links.map((link) => [link.ruleId, link]));
  const measurementAfter = (link: AssetRuleLink) =>
    relink.find((r) => r.ruleId === link.ruleId)?.measurement ?? link.measurement;
  const create: PlannedRuleCreate[] = [];
  const replace: AssetPlan['replace'] = [];
  const remove: string[] = [];
  for (const entry of model.alarmRules) {
    const name = ruleNameOf(entry);
    const match = [...unmatched.values()].find((link) => {
      const rule = rules.get(link.ruleId);
      return (
        lower(measurementAfter(link)) === lower(entry.measurement) &&
        rule !== undefined &&
        (rule.name === name || rule.name.endsWith(`: ${name}`))
      );
    });
    const tagId = tagOf.get(lower(entry.measurement)) ?? null;
    const existing = match ? rules.get(match.ruleId) : undefined;
    const checked = createAlarmRuleSchema.safeParse({
      ...entry.rule,
      name: existing?.name ?? `${path}: ${name}`,
      tagId: existing?.tagId ?? tagId ?? '00000000-0000-4000-8000-000000000000',
    });
    if (!checked.success || checked.data.kind === 'commLoss') {
      view.rules.skipped.push({
        name,
        measurement: entry.measurement,
        reason: 'the model rule is not valid',
      });
      continue;
    }
    const desired = checked.data;
    if (match && existing && existing.kind === desired.kind) {
      unmatched.delete(match.ruleId);
      const fields = Object.keys(desired).filter(
        (key) =>
          !OWN_FIELDS.has(key) &&
          !same((existing as Record<string, unknown>)[key], (desired as Record<string, unknown>)[key]),
      );
      if (fields.length > 0) {
        replace.push({ rule: existing, with: { ...desired, enabled: existing.enabled } });
        view.rules.update.push({
          ruleId: existing.id,
          name: existing.name,
          measurement: entry.measurement,
          fields,
        });
      }
      continue;
    }
    if (match && existing) {
      // another kind: the old rule goes (below) and this one is made
      unmatched.delete(match.ruleId);
      remove.push(existing.id);
      view.rules.delete.push({ ruleId: existing.id, name: existing.name, measurement: match.measurement });
    }
    if (tagId === null) {
      view.rules.skipped.push({
        name,
        measurement: entry.measurement,
        reason: `"${entry.measurement}" is not bound to a tag on this asset`,
      });
      continue;
    }
    const made = { ...desired, name: `${path}: ${name}`, tagId };
    create.push({ measurement: entry.measurement, rule: made });
    view.rules.create.push({ name: made.name, measurement: entry.measurement, tagId });
  }
  // rules made from the model that it no longer has, unless their measurement is kept or in conflict
  const untouched = new Set(
    [...view.measurements.keep, ...view.conflicts.map((c) => c.measurement)].map(lower),
  );
  for (const link of unmatched.values()) {
    if (untouched.has(lower(link.measurement))) continue;
    remove.push(link.ruleId);
    view.rules.delete.push({ ruleId: link.ruleId, name: link.ruleName, measurement: link.measurement });
  }

  const measurementsChanged =
    view.measurements.add.length +
    view.measurements.remove.length +
    view.measurements.rename.length +
    view.measurements.unit.length;
  view.changes =
    measurementsChanged + view.rules.create.length + view.rules.update.length + view.rules.delete.length;
  const sameList =
    measurements.length === asset.measurements.length &&
    measurements.every((m, i) => same(m, asset.measurements[i]));
  return {
    view,
    measurements: sameList ? null : measurements,
    relink,
    create,
    replace,
    remove,
  };
}
