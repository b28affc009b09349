// The alarm-check Lambda's wiring (AWS composition root + handler) against the real PostgreSQL server
// on 127.0.0.1:5432 (a throw-away database): the scheduled run finds the tenant through the SECURITY
// DEFINER lookup and raises a silent device's alarm. Only Secrets Manager is mocked.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlarmCheckHandler } from '../alarms/check.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import type { AlarmRuleRecord } from '../alarms/ports.ts';
import { createAwsAlarmCheckDeps } from '../compose/aws.ts';
import { parseAwsMigrateEnv, parseAwsStoresEnv } from '../compose/aws-env.ts';
import { runAwsMigrations } from '../compose/aws-migrate.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { throwawayAwsDatabase } from '../platform/testing/aws-database.ts';

const database = throwawayAwsDatabase('pw_check');
const { env } = database;

beforeAll(async () => {
  await database.create();
  // On AWS the migrations resource migrates once per deploy; functions open the database as it is.
  await runAwsMigrations(parseAwsMigrateEnv(env));
}, 60_000);

afterAll(async () => {
  await database.drop();
});

describe('the alarm-check Lambda on real PostgreSQL', () => {
  it('raises the alarm of a device that has been silent longer than its rule allows', async () => {
    const deps = await createAwsAlarmCheckDeps(parseAwsStoresEnv(env));
    const { store } = deps;
    try {
      const { tenantId, siteId, gatewayId, devices, tags } = await newTestPlant(store, { label: 'check' });
      const levelTag = tags.find((ref) => ref.deviceKey === 'plc-1' && ref.tagKey === 'level');
      if (!levelTag) throw new Error('the plant has a level tag on plc-1');
      const device = devices[0];
      if (!device) throw new Error('the plant has a device');
      const plant = await store.inTenant(tenantId, async (repos) => {
        const rule = await repos.alarmRules.create({
          id: randomUUID(),
          siteId,
          tagId: null,
          kind: 'commLoss',
          name: 'PLC silent',
          description: '',
          deadband: 0,
          onDelayMs: 0,
          offDelayMs: 0,
          enabled: true,
          escalationPolicyId: null,
          repageHoldOffMinutes: 15,
          severity: 'high',
          afterSeconds: 30,
          scope: 'device',
          deviceId: device.id,
          gatewayId,
        } as AlarmRuleRecord);
        return { siteId, gatewayId, ruleId: rule.id };
      });
      const lastData = Date.now() - 120_000;
      await createAlarmEvaluator({ store, ids: uuidV7Ids, clock: systemClock }).evaluate({
        tenantId,
        siteId: plant.siteId,
        gatewayId: plant.gatewayId,
        points: [
          { tagId: levelTag.tagId, deviceId: levelTag.deviceId, ts: lastData, value: 1, quality: 'good' },
        ],
      });

      const summary = await createAlarmCheckHandler(deps)();

      // the tenant canaries' pass runs with every check (none is set up here)
      const noCanaries = { tenants: 0, claimed: 0, sent: 0, failedAttempts: 0, missed: 0, failedTenants: 0 };
      expect(summary).toEqual({
        tenants: 1,
        rulesChanged: 1,
        events: 1,
        failedTenants: 0,
        canaries: noCanaries,
      });
      const events = await store.inTenant(tenantId, (repos) =>
        repos.alarmEvents.list({ ruleId: plant.ruleId }, 10),
      );
      expect(events).toEqual([
        expect.objectContaining({ kind: 'raised', at: new Date(lastData + 30_000).toISOString() }),
      ]);
      expect(await createAlarmCheckHandler(deps)()).toMatchObject({ rulesChanged: 0, events: 0 });
    } finally {
      await store.close();
    }
  }, 60_000);
});
