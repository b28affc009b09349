// The demo tenant's asset hierarchy (issue 21): the plant as operators name it, Inlet works → Pumping
// → Pump 1 and the wet well, with Pump 1's measurements from both demo PLCs (run and fault bits from
// the Modbus PLC, motor current and temperature from the OPC UA drive), and the "Centrifugal pump"
// model Pump 1 is made from (its patterns bind run and fault; the drive's tags, named motor_*, are
// bound by hand). Pump 1 is made without the model's rules: the demo's own rules already watch the
// same tags (demo-alarms.ts) and count on it in the tree.
import * as assets from '@plantwatch/functions/assets/assets';
import * as models from '@plantwatch/functions/assets/models';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { createAssetFromModelSchema, createAssetModelSchema, createAssetSchema } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import { DEMO_GATEWAY_NAME } from './seed.ts';

export const DEMO_PUMP_MODEL = 'Centrifugal pump';

/** The pump model: what a newcomer copies for the next pump (a second one is one request). */
export const demoPumpModel = createAssetModelSchema.parse({
  name: DEMO_PUMP_MODEL,
  description: 'Duty/standby wastewater pump with a motor drive',
  level: 'equipment',
  measurements: [
    { name: 'Running', tagPattern: '*/{key}_run' },
    { name: 'Fault', tagPattern: '*/{key}_fault' },
    { name: 'Motor current', unit: 'A', tagPattern: '*/{key}_current' },
    { name: 'Motor temperature', unit: 'degC', tagPattern: '*/{key}_temp' },
  ],
  alarmRules: [
    { measurement: 'Fault', rule: { kind: 'digital', name: 'Tripped', severity: 'high', trigger: 'true' } },
    {
      measurement: 'Motor temperature',
      rule: {
        kind: 'comparison',
        name: 'Motor hot',
        severity: 'medium',
        op: '>',
        value: 55,
        deadband: 2,
        onDelayMs: 10_000,
      },
    },
    {
      measurement: 'Motor current',
      rule: { kind: 'comparison', name: 'Motor current high', severity: 'medium', op: '>', value: 45 },
    },
  ],
});

const ownerOf = (tenantId: string): Principal => ({
  tenantId,
  role: 'owner',
  siteIds: null,
  userId: null,
  apiKeyId: null,
  sessionId: null,
});

/**
 * Seeds the hierarchy when the demo site has no assets (a first start, or a demo tenant seeded before
 * assets existed); a site whose assets were edited since is left alone.
 */
export async function seedDemoAssets(deps: LocalDeps, tenantId: string): Promise<{ created: number }> {
  const owner = ownerOf(tenantId);
  const plant = await deps.store.inTenant(tenantId, async (repos) => {
    const gateway = (await repos.gateways.list({ scope: null })).find((g) => g.name === DEMO_GATEWAY_NAME);
    if (!gateway) return null;
    if ((await repos.assets.listForSite(gateway.siteId)).length > 0) return null;
    const tags = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
    const tag = (deviceKey: string, tagKey: string) =>
      tags.find((ref) => ref.deviceKey === deviceKey && ref.tagKey === tagKey)?.tagId ?? null;
    return {
      siteId: gateway.siteId,
      model: await repos.assetModels.getByName(DEMO_PUMP_MODEL),
      level: tag('plc-1', 'level'),
      inflow: tag('plc-1', 'inflow'),
      flowTotal: tag('plc-1', 'flow_total'),
      motorCurrent: tag('plc-2', 'motor_current'),
      motorTemp: tag('plc-2', 'motor_temp'),
    };
  });
  if (!plant) return { created: 0 };
  const model = plant.model ?? (await models.createAssetModel(deps, owner, demoPumpModel));
  const works = await assets.createAsset(
    deps,
    owner,
    createAssetSchema.parse({ siteId: plant.siteId, name: 'Inlet works', level: 'area' }),
  );
  const pumping = await assets.createAsset(
    deps,
    owner,
    createAssetSchema.parse({ siteId: plant.siteId, parentId: works.id, name: 'Pumping', level: 'process' }),
  );
  await assets.createAsset(
    deps,
    owner,
    createAssetSchema.parse({
      siteId: plant.siteId,
      parentId: pumping.id,
      name: 'Wet well',
      level: 'equipment',
      measurements: [
        { name: 'Level', unit: 'm', tagId: plant.level },
        { name: 'Inflow', unit: 'L/s', tagId: plant.inflow },
        { name: 'Flow total', unit: 'm3', tagId: plant.flowTotal },
      ],
    }),
  );
  await models.createAssetFromModel(
    deps,
    owner,
    model.id,
    createAssetFromModelSchema.parse({
      siteId: plant.siteId,
      parentId: pumping.id,
      name: 'Pump 1',
      key: 'pump',
      make: 'Flygt',
      model: 'NP 3153 SH',
      serial: 'NP3153-0042',
      installDate: '2019-04-01',
      documents: [
        { title: 'Installation and operation manual', url: 'https://example.com/manuals/np3153.pdf' },
      ],
      bindings: { 'Motor current': plant.motorCurrent, 'Motor temperature': plant.motorTemp },
      alarmRules: false,
    }),
  );
  return { created: 4 };
}
