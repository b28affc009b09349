// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Derived tags end to end inside the functions package: saving checks references and cycles, ingest
// computes and stores them, and an alarm rule on one raises like a rule on any tag (PGlite, DuckDB).
import {
  ConflictError,
  DERIVED_DEVICE_KEY,
  InvalidInputError,
  NotFoundError,
  telemetryTopic,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlarmRule, listAlarms } from '../alarms/alarms.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { createTelemetryIngestor } from '../ingest/ingest.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { exportCsv, latestValues, tagSeries } from '../telemetry/telemetry.ts';
import { createDerivedTagCalculator } from './calculator.ts';
import {
  createDerivedTag,
  deleteDerivedTag,
  derivedTagRef,
  listDerivedTags,
  previewDerivedTag,
  updateDerivedTag,
} from './derived-tags.ts';
import { createPlant, type Plant } from './testing.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const clock = { now: () => new Date(NOW) };

describe('derived tags', () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  const deps = () => ({ store, ids: uuidV7Ids, telemetry });

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
  });
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });

  const create = (plant: Plant, key: string, formula: string) =>
    createDerivedTag(deps(), plant.principal, {
      siteId: plant.siteId,
      key,
      name: key,
      description: '',
      formula,
      unit: 'm³/h',
    });

  describe('saving', () => {
    it('resolves each reference to the tag or derived tag it names', async () => {
      const plant = await createPlant(store);
      const balance = await create(plant, 'balance', '${inlet:flow} - ${outlet:flow}');
      const percent = await create(plant, 'balance_pct', '${balance} / max(${inlet:flow}, 1) * 100');
      expect(balance.inputs.map((i) => [i.reference, i.kind])).toEqual([
        ['${inlet:flow}', 'tag'],
        ['${outlet:flow}', 'tag'],
      ]);
      expect(percent.inputs).toEqual([
        { reference: '${balance}', kind: 'derived', id: balance.id },
        { reference: '${inlet:flow}', kind: 'tag', id: balance.inputs[0]?.id },
      ]);
      expect(
        (await listDerivedTags(deps(), plant.principal, { siteId: plant.siteId })).map((t) => t.key),
      ).toEqual(['balance', 'balance_pct']);
    });

    const refusals: { name: string; formula: string; message: RegExp; setup?: string[] }[] = [
      {
        name: 'an unknown tag',
        formula: '${inlet:level} * 2',
        message: /\$\{inlet:level\} is not a tag of this site/,
      },
      {
        name: 'an unknown device',
        formula: '${pump9:flow}',
        message: /\$\{pump9:flow\} is not a tag of this site/,
      },
      {
        name: 'an unknown derived tag',
        formula: '${nothing} + 1',
        message: /\$\{nothing\} is not a derived tag/,
      },
      { name: 'itself', formula: '${me} + 1', message: /refers to this derived tag itself.*me → me/ },
      {
        name: 'a formula that does not parse',
        formula: '${inlet:flow} *',
        message: /formula: the formula does not parse/,
      },
      { name: 'a function not allowed', formula: 'sqrt(${inlet:flow})', message: /unknown function "sqrt"/ },
    ];
    it.each(refusals)('refuses $name with a 422 naming it', async ({ formula, message }) => {
      const plant = await createPlant(store);
      const attempt = create(plant, 'me', formula);
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await expect(create(plant, 'me', formula)).rejects.toThrow(message);
      expect(await listDerivedTags(deps(), plant.principal, {})).toEqual([]);
    });

    it('refuses a change that closes a cycle, naming the derived tags along it', async () => {
      const plant = await createPlant(store);
      const a = await create(plant, 'a', '${inlet:flow} * 2');
      await create(plant, 'b', '${a} + 1');
      await create(plant, 'c', '${b} + 1');
      const attempt = updateDerivedTag(deps(), plant.principal, a.id, { formula: '${c} - 1' });
      await expect(attempt).rejects.toThrow(/the derived tags would form a cycle: a → c → b → a/);
      const [stored] = await listDerivedTags(deps(), plant.principal, { siteId: plant.siteId });
      expect(stored?.formula).toBe('${inlet:flow} * 2');
    });

    it("refuses another site's tag as not a tag of this site, and another tenant's site as not found", async () => {
      const plant = await createPlant(store);
      const other = await createPlant(store, ['pump1']);
      await expect(create(plant, 'x', '${pump1:flow}')).rejects.toThrow(
        /\$\{pump1:flow\} is not a tag of this site/,
      );
      await expect(
        createDerivedTag(deps(), other.principal, {
          siteId: plant.siteId,
          key: 'x',
          name: 'x',
          description: '',
          formula: '1',
          unit: '',
        }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses a second derived tag with the same key, and removing one another reads', async () => {
      const plant = await createPlant(store);
      const balance = await create(plant, 'balance', '${inlet:flow} - ${outlet:flow}');
      await expect(create(plant, 'balance', '1')).rejects.toBeInstanceOf(ConflictError);
      await create(plant, 'twice', '${balance} * 2');
      await expect(deleteDerivedTag(deps(), plant.principal, balance.id)).rejects.toThrow(/used by twice/);
    });
  });

  describe('on ingest', () => {
    it('stores the derived value at each input change, alarms on it, and marks division by zero bad', async () => {
      const plant = await createPlant(store);
      const balance = await create(plant, 'balance', '${inlet:flow} - ${outlet:flow}');
      const ratio = await create(plant, 'ratio', '${outlet:flow} / ${inlet:flow}');
      const alarmDeps = { store, ids: uuidV7Ids, clock };
      const rule = await createAlarmRule(alarmDeps, plant.principal, {
        kind: 'limit',
        tagId: balance.id,
        name: 'Leak',
        description: '',
        deadband: 0,
        onDelayMs: 0,
        offDelayMs: 0,
        enabled: true,
        escalationPolicyId: null,
        repageHoldOffMinutes: 15,
        levels: [{ level: 'hi', threshold: 5, severity: 'high' }],
      });
      expect(rule.tagId).toBe(balance.id);
      const ingestor = createTelemetryIngestor({
        store,
        telemetry,
        alarms: createAlarmEvaluator(alarmDeps),
        clock,
        ids: uuidV7Ids,
        derived: createDerivedTagCalculator({ store, telemetry }),
      });
      const send = (seq: number, points: { d: string; ts: number; v: number; q?: string }[]) =>
        ingestor.ingest({
          topic: telemetryTopic(plant),
          payload: Buffer.from(
            JSON.stringify({
              v: 1,
              gw: plant.gatewayId,
              seq,
              points: points.map((p) => ({ t: 'flow', q: 'good', ...p })),
            }),
          ),
          receivedAt: NOW,
        });
      const t0 = NOW - 60_000;
      expect(
        await send(1, [
          { d: 'inlet', ts: t0, v: 100 },
          { d: 'outlet', ts: t0, v: 99 },
        ]),
      ).toEqual({ status: 'stored', written: 4, duplicates: 0 });
      // the outlet alone changes: the inlet's stored value stands; a leak of 10
      await send(2, [{ d: 'outlet', ts: t0 + 1000, v: 90 }]);
      // the inlet stops: the ratio divides by zero
      await send(3, [{ d: 'inlet', ts: t0 + 2000, v: 0 }]);
      // the inlet's reading goes bad
      await send(4, [{ d: 'inlet', ts: t0 + 3000, v: 100, q: 'bad' }]);

      const rangeOf = (key: string) =>
        telemetry.range(plant.tenantId, derivedTagRef({ siteId: plant.siteId, key }), t0, NOW, 100);
      expect(await rangeOf('balance')).toEqual([
        { ts: t0, value: 1, quality: 'good' },
        { ts: t0 + 1000, value: 10, quality: 'good' },
        { ts: t0 + 2000, value: -90, quality: 'good' },
        { ts: t0 + 3000, value: '${inlet:flow} is bad quality', quality: 'bad' },
      ]);
      expect(await rangeOf('ratio')).toEqual([
        { ts: t0, value: 0.99, quality: 'good' },
        { ts: t0 + 1000, value: 0.9, quality: 'good' },
        { ts: t0 + 2000, value: 'division by zero', quality: 'bad' },
        { ts: t0 + 3000, value: '${inlet:flow} is bad quality', quality: 'bad' },
      ]);
      expect(derivedTagRef({ siteId: plant.siteId, key: 'ratio' })).toEqual({
        gatewayId: plant.siteId,
        deviceKey: DERIVED_DEVICE_KEY,
        tagKey: 'ratio',
      });
      expect(ratio.inputs).toHaveLength(2);

      const alarms = await listAlarms(alarmDeps, plant.principal, { status: 'all' });
      const leak = alarms.find((alarm) => alarm.ruleId === rule.id);
      expect(leak).toMatchObject({ state: 'cleared-unacked', level: 'hi' });

      // a replayed batch stores nothing twice and raises nothing again
      expect(await send(2, [{ d: 'outlet', ts: t0 + 1000, v: 90 }])).toEqual({ status: 'replay' });
      expect(await rangeOf('balance')).toHaveLength(4);

      // charted and exported by id like any tag; another tenant's derived tag is not found
      const telemetryDeps = { store, telemetry };
      const [latest] = await latestValues(telemetryDeps, plant.principal, { tagIds: [balance.id] });
      expect(latest).toMatchObject({ tagId: balance.id, name: 'balance', unit: 'm³/h', quality: 'bad' });
      const { series } = await tagSeries(telemetryDeps, plant.principal, {
        tagIds: [balance.id],
        from: t0,
        to: t0 + 4000,
        maxPoints: 4,
        aggregates: ['max'],
      });
      expect(series[0]?.buckets.map((bucket) => bucket.max)).toEqual([1, 10, -90]);
      let csv = '';
      for await (const chunk of await exportCsv(telemetryDeps, plant.principal, {
        tagIds: [ratio.id],
        from: t0,
        to: NOW,
      }))
        csv += chunk;
      expect(csv.split('\n')[3]).toBe(
        `${new Date(t0 + 2000).toISOString()},${ratio.id},${DERIVED_DEVICE_KEY},ratio,division by zero,bad`,
      );
      const stranger = (await createPlant(store)).principal;
      await expect(latestValues(telemetryDeps, stranger, { tagIds: [balance.id] })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('previews a formula on the newest stored values without saving it', async () => {
      const plant = await createPlant(store);
      await telemetry.write(
        ['inlet', 'outlet'].map((deviceKey, index) => ({
          tenantId: plant.tenantId,
          siteId: plant.siteId,
          gatewayId: plant.gatewayId,
          deviceKey,
          tagKey: 'flow',
          ts: NOW - 1000,
          value: index === 0 ? 50 : 40,
          quality: 'good' as const,
        })),
      );
      const preview = await previewDerivedTag(deps(), plant.principal, {
        siteId: plant.siteId,
        formula: 'abs(${outlet:flow} - ${inlet:flow}) / ${inlet:flow} * 100',
      });
      expect(preview).toMatchObject({ value: 20, quality: 'good' });
      expect(preview.inputs.map((i) => [i.reference, i.value])).toEqual([
        ['${outlet:flow}', 40],
        ['${inlet:flow}', 50],
      ]);
      expect(await listDerivedTags(deps(), plant.principal, {})).toEqual([]);
      const zero = await previewDerivedTag(deps(), plant.principal, {
        siteId: plant.siteId,
        formula: '${inlet:flow} / (${outlet:flow} - 40)',
      });
      expect(zero).toMatchObject({ value: null, quality: 'bad', reason: 'division by zero' });
    });
  });
});
