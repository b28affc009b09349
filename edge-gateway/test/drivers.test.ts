import { gatewayConfigSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { connectionUnits } from '../src/drivers.ts';

const tag = [{ id: 'x', area: 'holding', address: 0, type: 'uint16' }];
const devices = gatewayConfigSchema.parse({
  gateway: { id: 'gw', tenantId: 't', siteId: 's' },
  devices: [
    { id: 'tcp-1', protocol: 'modbus-tcp', host: '10.0.0.1', tags: tag },
    { id: 'rtu-1', protocol: 'modbus-rtu', path: '/dev/ttyUSB0', unitId: 1, tags: tag },
    { id: 'rtu-2', protocol: 'modbus-rtu', path: '/dev/ttyUSB0', unitId: 2, tags: tag },
    { id: 'rtu-3', protocol: 'modbus-rtu', path: '/dev/ttyUSB1', unitId: 1, tags: tag },
    {
      id: 'opc-1',
      protocol: 'opcua',
      endpoint: 'opc.tcp://10.0.0.2:4840',
      tags: [{ id: 'y', nodeId: 'ns=1;s=Y' }],
    },
    { id: 'off', protocol: 'modbus-tcp', host: '10.0.0.3', enabled: false, tags: tag },
  ],
}).devices;

describe('connectionUnits', () => {
  it('keeps the RTU devices of one serial line together, every other device alone, and skips disabled ones', () => {
    expect(
      connectionUnits(devices).map((unit) => [unit.key, unit.family, unit.devices.map((d) => d.id)]),
    ).toEqual([
      ['device:tcp-1', 'modbus', ['tcp-1']],
      ['line:/dev/ttyUSB0', 'modbus', ['rtu-1', 'rtu-2']],
      ['line:/dev/ttyUSB1', 'modbus', ['rtu-3']],
      ['device:opc-1', 'opcua', ['opc-1']],
    ]);
  });
});
