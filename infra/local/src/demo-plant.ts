// The demo tenant's plant, live: the simulated PLCs and a real gateway process that polls them and
// publishes through the local broker with its own certificate, as a customer's gateway would.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GatewayProcess, provision, spawnGateway } from '@plantwatch/edge-gateway';
import {
  type EventSimulators,
  type PlantModel,
  type Simulators,
  startEventSimulators,
  startSimulators,
} from '@plantwatch/edge-gateway/sim';
import * as provisioning from '@plantwatch/functions/plant/provisioning';
import type { Principal } from '@plantwatch/functions/platform/principal';
import type { DeviceConnection } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import {
  DEMO_IEC104_PORT,
  DEMO_SPARKPLUG_BROKER_PORT,
  ensureDemoEventDevices,
} from './demo-event-devices.ts';
import { DEMO_GATEWAY_NAME, DEMO_MODBUS_PORT, DEMO_OPCUA_PORT } from './seed.ts';

export interface DemoPlant {
  modbusUrl: string;
  opcuaEndpoint: string;
  /** The Sparkplug B edge node's broker and the IEC 104 RTU. */
  sparkplugBrokerUrl: string;
  iec104Url: string;
  gatewayPid: number | undefined;
  /** The simulated lift station behind the PLCs (tests steer it: the wet well's level). */
  plant: PlantModel;
  notes: string[];
  close(): Promise<void>;
}

async function startSimulatorsPreferringDemoPorts(host: string, pkiDir: string): Promise<Simulators> {
  try {
    return await startSimulators({ host, modbusPort: DEMO_MODBUS_PORT, opcuaPort: DEMO_OPCUA_PORT, pkiDir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startSimulators({ host, modbusPort: 0, opcuaPort: 0, pkiDir });
  }
}

async function startEventSimulatorsPreferringDemoPorts(
  host: string,
  plant: Simulators['plant'],
): Promise<EventSimulators> {
  try {
    return await startEventSimulators(plant, {
      host,
      brokerPort: DEMO_SPARKPLUG_BROKER_PORT,
      iec104Port: DEMO_IEC104_PORT,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startEventSimulators(plant, { host, brokerPort: 0, iec104Port: 0 });
  }
}

/** Points the demo devices at wherever the simulators listen (they move when a port is taken). */
async function aimDemoDevices(deps: LocalDeps, tenantId: string, gatewayId: string, simulators: Simulators) {
  return deps.store.inTenant(tenantId, async (repos) => {
    let moved = false;
    for (const device of await repos.devices.list({ gatewayId, scope: null })) {
      const { connection } = device;
      let next: DeviceConnection | undefined;
      if (connection.protocol === 'modbus-tcp' && connection.port !== simulators.modbusPort) {
        next = { ...connection, port: simulators.modbusPort };
      } else if (connection.protocol === 'opcua' && connection.endpoint !== simulators.opcuaEndpoint) {
        next = { ...connection, endpoint: simulators.opcuaEndpoint };
      }
      if (next) {
        await repos.devices.update(device.id, { connection: next });
        moved = true;
      }
    }
    if (moved) await repos.gateways.bumpConfigVersion(gatewayId);
    return moved;
  });
}

export async function startDemoPlant(options: {
  deps: LocalDeps;
  tenantId: string;
  host: string;
  dataDir: string;
}): Promise<DemoPlant | null> {
  const { deps, tenantId } = options;
  const gateway = await deps.store.inTenant(tenantId, async (repos) =>
    (await repos.gateways.list({ scope: null })).find((g) => g.name === DEMO_GATEWAY_NAME),
  );
  if (!gateway) return null;

  const notes: string[] = [];
  const simulators = await startSimulatorsPreferringDemoPorts(options.host, join(options.dataDir, 'sim-pki'));
  let gatewayProcess: GatewayProcess | undefined;
  let eventSimulators: EventSimulators | undefined;
  try {
    if (await aimDemoDevices(deps, tenantId, gateway.id, simulators)) {
      notes.push(
        `simulator ports ${DEMO_MODBUS_PORT}/${DEMO_OPCUA_PORT} are taken, so they use ${simulators.modbusPort}/${simulators.opcuaPort}; the demo devices were updated`,
      );
    }
    // The local runtime acts as the tenant's owner here, exactly as the provisioning wizard would.
    const owner: Principal = {
      tenantId,
      role: 'owner',
      siteIds: null,
      userId: null,
      apiKeyId: null,
      sessionId: null,
    };
    eventSimulators = await startEventSimulatorsPreferringDemoPorts(options.host, simulators.plant);
    await ensureDemoEventDevices(deps, owner, gateway.id, eventSimulators);
    const bundle = await provisioning.createProvisioningBundle(deps, owner, gateway.id);
    const gatewayDir = join(options.dataDir, 'gateway');
    await mkdir(gatewayDir, { recursive: true, mode: 0o700 });
    const bundleFile = join(gatewayDir, 'bundle.json');
    await writeFile(bundleFile, JSON.stringify(bundle), { mode: 0o600 });
    await chmod(bundleFile, 0o600);
    const { configFile } = await provision(bundleFile, gatewayDir);
    gatewayProcess = spawnGateway(configFile, { logLevel: 'warn', stdio: 'inherit' });
  } catch (error) {
    await eventSimulators?.close();
    await simulators.close();
    throw error;
  }
  const running = gatewayProcess;
  const events = eventSimulators;
  return {
    modbusUrl: `modbus-tcp://${options.host}:${simulators.modbusPort}`,
    opcuaEndpoint: simulators.opcuaEndpoint,
    sparkplugBrokerUrl: events.brokerUrl,
    iec104Url: `iec104://${options.host}:${events.iec104Port}`,
    gatewayPid: running.child.pid,
    plant: simulators.plant,
    notes,
    async close() {
      await running.stop(5_000);
      await events.close();
      await simulators.close();
    },
  };
}
