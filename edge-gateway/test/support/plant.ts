// Gateway configs for the simulated plant, with ids unique to each test so parallel runs on the
// shared broker do not see each other.
import type { GatewayConfigInput } from '@plantwatch/shared';
import { uniqueId } from './temp.ts';

export function plantConfig(options: {
  modbusPort: number;
  opcuaEndpoint?: string;
  mqttUrl?: string;
  bufferDir: string;
  pollMs?: number;
}): GatewayConfigInput & { gateway: { id: string; tenantId: string; siteId: string } } {
  const devices: GatewayConfigInput['devices'] = [
    {
      id: 'plc-1',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: options.modbusPort,
      unitId: 1,
      pollMs: options.pollMs ?? 200,
      timeoutMs: 2000,
      tags: [
        { id: 'level', area: 'holding', address: 0, type: 'uint16', scale: 0.01, unit: 'm', deadband: 0.02 },
        { id: 'inflow', area: 'holding', address: 1, type: 'float32', unit: 'L/s', deadband: 0.5 },
        { id: 'pump_run', area: 'holding', address: 7, type: 'bool', bit: 0 },
        { id: 'pump_fault', area: 'holding', address: 7, type: 'bool', bit: 3 },
        { id: 'flow_total', area: 'holding', address: 10, type: 'uint32', unit: 'm3' },
      ],
    },
  ];
  if (options.opcuaEndpoint) {
    devices.push({
      id: 'plc-2',
      protocol: 'opcua',
      endpoint: options.opcuaEndpoint,
      publishMs: 200,
      tags: [
        { id: 'motor_temp', nodeId: 'ns=1;s=MotorTemperature', unit: 'degC', deadband: 0.2 },
        { id: 'motor_current', nodeId: 'ns=1;s=MotorCurrent', unit: 'A', deadband: 0.1 },
      ],
    });
  }
  return {
    gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
    ...(options.mqttUrl ? { mqtt: { url: options.mqttUrl } } : {}),
    buffer: { dir: options.bufferDir, maxBytes: 64 * 1024 * 1024, whenFull: 'drop-oldest' },
    devices,
  };
}

export const topicIds = (config: { gateway: { id: string; tenantId: string; siteId: string } }) => ({
  tenantId: config.gateway.tenantId,
  siteId: config.gateway.siteId,
  gatewayId: config.gateway.id,
});
