// The demo gateway's Sparkplug B edge node (uns-1) and IEC 104 RTU (rtu-1), played by the simulators'
// event devices: added when missing (also to a demo tenant seeded before they existed) and aimed at
// wherever those simulators listen.
import { DEMO_SPARKPLUG, demoRtuPoints, type EventSimulators } from '@plantwatch/edge-gateway/sim';
import * as plant from '@plantwatch/functions/plant/plant';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { createDeviceSchema, createTagSchema, type DeviceConnection } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';

export const DEMO_SPARKPLUG_BROKER_PORT = 1884;
export const DEMO_IEC104_PORT = 2404;

function connections(sims: EventSimulators): { sparkplug: DeviceConnection; iec104: DeviceConnection } {
  return {
    sparkplug: createDeviceSchema.shape.connection.parse({
      protocol: 'sparkplug',
      brokerUrl: sims.brokerUrl,
      groupId: DEMO_SPARKPLUG.groupId,
      edgeNodeId: DEMO_SPARKPLUG.edgeNodeId,
    }),
    iec104: createDeviceSchema.shape.connection.parse({
      protocol: 'iec104',
      host: '127.0.0.1',
      port: sims.iec104Port,
      timeZone: 'Europe/London',
    }),
  };
}

/** Adds uns-1 and rtu-1 to the gateway when it has none of their kind, or points them at the simulators; true when something changed. */
export async function ensureDemoEventDevices(
  deps: LocalDeps,
  owner: Principal,
  gatewayId: string,
  sims: EventSimulators,
): Promise<boolean> {
  const wanted = connections(sims);
  const devices = await deps.store.inTenant(owner.tenantId, (repos) =>
    repos.devices.list({ gatewayId, scope: null }),
  );
  let changed = false;
  for (const kind of ['sparkplug', 'iec104'] as const) {
    const existing = devices.find((d) => d.connection.protocol === kind);
    if (existing) {
      if (JSON.stringify(existing.connection) !== JSON.stringify(wanted[kind])) {
        await plant.updateDevice(deps, owner, existing.id, { connection: wanted[kind] });
        changed = true;
      }
      continue;
    }
    changed = true;
    if (kind === 'sparkplug') {
      const device = await plant.createDevice(
        deps,
        owner,
        createDeviceSchema.parse({
          gatewayId,
          key: 'uns-1',
          name: 'Lift station 2 edge node (Sparkplug B)',
          connection: wanted.sparkplug,
        }),
      );
      for (const tag of [
        {
          key: 'ls2_pressure',
          name: 'Pump 3 discharge pressure',
          metric: 'Discharge Pressure',
          unit: 'bar',
          deadband: 0.02,
        },
        { key: 'ls2_running', name: 'Pump 3 running', metric: 'Running', unit: '', deadband: 0 },
      ]) {
        const { metric, ...rest } = tag;
        await plant.createTag(
          deps,
          owner,
          createTagSchema.parse({
            ...rest,
            deviceId: device.id,
            address: { kind: 'sparkplug', metric, sparkplugDevice: DEMO_SPARKPLUG.deviceId },
          }),
        );
      }
    } else {
      const device = await plant.createDevice(
        deps,
        owner,
        createDeviceSchema.parse({
          gatewayId,
          key: 'rtu-1',
          name: 'Incomer RTU (IEC 60870-5-104)',
          connection: wanted.iec104,
        }),
      );
      for (const tag of [
        {
          key: 'incomer_kw',
          name: 'Incomer active power',
          ioa: demoRtuPoints.power,
          unit: 'kW',
          deadband: 0.5,
        },
        { key: 'bus_voltage', name: 'Busbar voltage', ioa: demoRtuPoints.voltage, unit: 'V', deadband: 1 },
        {
          key: 'incomer_closed',
          name: 'Incomer breaker closed',
          ioa: demoRtuPoints.breaker,
          unit: '',
          deadband: 0,
        },
      ]) {
        const { ioa, ...rest } = tag;
        await plant.createTag(
          deps,
          owner,
          createTagSchema.parse({ ...rest, deviceId: device.id, address: { kind: 'iec104', ioa } }),
        );
      }
    }
  }
  return changed;
}
