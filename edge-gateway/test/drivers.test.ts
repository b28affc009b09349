import { gatewayConfigSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { groupDevices } from '../src/drivers.ts';

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

const ids = (groups: ReturnType<typeof groupDevices>) => groups.map((group) => group.map((d) => d.id));

describe('groupDevices', () => {
  it('gives every device its own worker, except RTU devices sharing a serial line, and skips disabled ones', () => {
    expect(ids(groupDevices(devices))).toEqual([['tcp-1'], ['rtu-1', 'rtu-2'], ['rtu-3'], ['opc-1']]);
  });

  it('spreads devices over at most maxWorkers workers, keeping a serial line together', () => {
    expect(ids(groupDevices(devices, 2))).toEqual([
      ['tcp-1', 'rtu-3'],
      ['rtu-1', 'rtu-2', 'opc-1'],
    ]);
  });
});
