// The demo tenant seeded on first start: a small water utility with one pumping station, its
// gateway, and the two PLCs the built-in simulators play (Modbus TCP and OPC UA).

import * as accounts from '@plantwatch/functions/accounts/accounts';
import * as plant from '@plantwatch/functions/plant/plant';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { createDeviceSchema, createTagSchema } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';

export const DEMO_MODBUS_PORT = 5020;
export const DEMO_OPCUA_PORT = 4840;
export const DEMO_GATEWAY_NAME = 'gw-north';

export async function seedDemoTenant(
  deps: LocalDeps,
  login: { email: string; password: string },
): Promise<{ created: boolean; tenantId: string }> {
  const existing = await deps.store.findCredentialsByEmail(login.email.toLowerCase());
  if (existing) return { created: false, tenantId: existing.tenantId };

  // The operator chose the address: no verification link; the Professional plan, so the usage page shows limits.
  const created = await accounts.createVerifiedTenant(deps, {
    tenantName: 'Demo Water Co',
    timeZone: 'Europe/London',
    name: 'Demo Operator',
    email: login.email.toLowerCase(),
    password: login.password,
    planId: 'professional',
  });
  const owner: Principal = {
    tenantId: created.tenantId,
    role: 'owner',
    siteIds: null,
    userId: created.ownerId,
    apiKeyId: null,
    sessionId: null,
  };
  const site = await plant.createSite(deps, owner, {
    name: 'North Pumping Station',
    description: 'Raw water lift station: wet well, two duty/standby pumps',
    timeZone: 'Europe/London',
    location: { latitude: 53.4808, longitude: -2.2426 },
  });
  const gateway = await plant.createGateway(deps, owner, {
    siteId: site.id,
    name: DEMO_GATEWAY_NAME,
    description: 'Edge gateway in the MCC panel',
  });
  const modbusPlc = await plant.createDevice(
    deps,
    owner,
    createDeviceSchema.parse({
      gatewayId: gateway.id,
      key: 'plc-1',
      name: 'Lift station PLC (Modbus TCP)',
      connection: {
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: DEMO_MODBUS_PORT,
        unitId: 1,
        pollMs: 1000,
      },
    }),
  );
  const modbusTags = [
    {
      key: 'level',
      name: 'Wet well level',
      address: { area: 'holding', address: 0, type: 'uint16' },
      scale: 0.01,
      unit: 'm',
      deadband: 0.02,
    },
    {
      key: 'inflow',
      name: 'Inflow',
      address: { area: 'holding', address: 1, type: 'float32' },
      unit: 'L/s',
      deadband: 0.5,
    },
    {
      key: 'pump_run',
      name: 'Pump 1 running',
      address: { area: 'holding', address: 7, type: 'bool', bit: 0 },
    },
    {
      key: 'pump_fault',
      name: 'Pump 1 fault',
      address: { area: 'holding', address: 7, type: 'bool', bit: 3 },
    },
    {
      key: 'flow_total',
      name: 'Flow totaliser',
      address: { area: 'holding', address: 10, type: 'uint32' },
      unit: 'm3',
    },
    // The discharge main's two flow meters: at the station (the pump's flow) and where it delivers.
    {
      key: 'discharge_flow',
      name: 'Discharge main, leaving',
      address: { area: 'holding', address: 12, type: 'float32' },
      unit: 'L/s',
      deadband: 0.5,
    },
    {
      key: 'delivered_flow',
      name: 'Discharge main, delivered',
      address: { area: 'holding', address: 14, type: 'float32' },
      unit: 'L/s',
      deadband: 0.5,
    },
  ];
  for (const tag of modbusTags) {
    await plant.createTag(
      deps,
      owner,
      createTagSchema.parse({ ...tag, deviceId: modbusPlc.id, address: { kind: 'modbus', ...tag.address } }),
    );
  }
  const opcuaPlc = await plant.createDevice(
    deps,
    owner,
    createDeviceSchema.parse({
      gatewayId: gateway.id,
      key: 'plc-2',
      name: 'Pump drive controller (OPC UA)',
      connection: {
        protocol: 'opcua',
        endpoint: `opc.tcp://127.0.0.1:${DEMO_OPCUA_PORT}/plantwatch-sim`,
        publishMs: 500,
      },
    }),
  );
  for (const tag of [
    {
      key: 'motor_temp',
      name: 'Pump 1 motor temperature',
      nodeId: 'ns=1;s=MotorTemperature',
      unit: 'degC',
      deadband: 0.2,
    },
    {
      key: 'motor_current',
      name: 'Pump 1 motor current',
      nodeId: 'ns=1;s=MotorCurrent',
      unit: 'A',
      deadband: 0.1,
    },
  ]) {
    await plant.createTag(
      deps,
      owner,
      createTagSchema.parse({
        deviceId: opcuaPlc.id,
        key: tag.key,
        name: tag.name,
        unit: tag.unit,
        deadband: tag.deadband,
        address: { kind: 'opcua', nodeId: tag.nodeId },
      }),
    );
  }
  return { created: true, tenantId: created.tenantId };
}
