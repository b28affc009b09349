// Test helpers of the asset hierarchy: the asset use-cases over a new config store on PGlite (with the
// plant use-cases to build their sites from), a pump model, and assets with their fields left empty.
import { randomUUID } from 'node:crypto';
import type { ConfigStore } from '../compose/config-store.ts';
import { openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { AssetDeps } from './assets.ts';
import type { NewAssetRecord } from './ports.ts';

/** Closing the store closes its database. */
export async function openAssetTestbed(): Promise<{
  store: ConfigStore;
  harness: PlantUseCases;
  deps: AssetDeps;
}> {
  const { store, harness } = await openPlantTestbed();
  return { store, harness, deps: { store, ids: uuidV7Ids, clock: { now: () => new Date() } } };
}

/** A pump model binding run and fault bits on any device and the motor current on `drive`. */
export const pumpModel = {
  name: 'Centrifugal pump',
  description: 'Duty pump with a drive',
  level: 'equipment',
  measurements: [
    { name: 'Running', unit: '', tagPattern: '*/{key}_run' },
    { name: 'Fault', unit: '', tagPattern: '*/{key}_fault' },
    { name: 'Motor current', unit: 'A', tagPattern: 'drive/{key}_current' },
  ],
  alarmRules: [
    { measurement: 'Fault', rule: { kind: 'digital', name: 'Tripped', severity: 'high', trigger: 'true' } },
    {
      measurement: 'Motor current',
      rule: { kind: 'comparison', name: 'Current high', severity: 'medium', op: '>', value: 40 },
    },
  ],
};

/** What an asset made from a model leaves empty (its parent aside), its rules made. */
export const fromModelDefaults = {
  key: '',
  make: '',
  model: '',
  serial: '',
  installDate: null,
  documents: [],
  bindings: {},
  alarmRules: true,
};

/** A new asset's fields left empty, at the top of its site. */
export const assetDefaults = {
  parentId: null,
  level: '',
  make: '',
  model: '',
  serial: '',
  installDate: null,
  documents: [],
  measurements: [],
};

/** A new asset's record for the repositories, its fields empty but for `extra`. */
export const newAssetRecord = (
  siteId: string,
  name: string,
  parentId: string | null,
  extra: Partial<NewAssetRecord> = {},
) => ({
  ...assetDefaults,
  id: randomUUID(),
  siteId,
  parentId,
  assetModelId: null,
  name,
  ...extra,
});
