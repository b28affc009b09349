// Builds the drivers for a set of devices: one per TCP or OPC UA device, and one shared serial line
// for the RTU devices on the same port.
import type { ConfigDevice, ModbusRtuConfigDevice } from '@plantwatch/shared';
import type { BackoffOptions } from './backoff.ts';
import type { DeviceDriver } from './driver.ts';
import type { Logger } from './log.ts';
import { ModbusDriver } from './modbus/driver.ts';
import { ModbusLine } from './modbus/line.ts';

export interface DriverOptions {
  /** OPC UA client certificate store used when a device names none. */
  pkiDir: string;
  backoff?: Partial<BackoffOptions>;
}

export async function createDrivers(
  devices: readonly ConfigDevice[],
  log: Logger,
  options: DriverOptions,
): Promise<DeviceDriver[]> {
  const serialLines = new Map<string, ModbusLine>();
  const drivers: DeviceDriver[] = [];
  for (const device of devices) {
    if (device.protocol === 'opcua') {
      // Loaded only where needed: node-opcua is large, and most workers run Modbus.
      const { OpcuaDriver } = await import('./opcua/driver.ts');
      drivers.push(
        new OpcuaDriver(device, log, {
          pkiDir: device.pkiDir ?? options.pkiDir,
          ...(options.backoff ? { backoff: options.backoff } : {}),
        }),
      );
      continue;
    }
    let line: ModbusLine;
    if (device.protocol === 'modbus-rtu') {
      line = serialLines.get(device.path) ?? new ModbusLine(device);
      serialLines.set(device.path, line);
    } else {
      line = new ModbusLine(device);
    }
    drivers.push(new ModbusDriver(device, line, log, options.backoff ? { backoff: options.backoff } : {}));
  }
  return drivers;
}

/**
 * The devices of each worker: every device alone (the RTU devices of one serial line together),
 * or, with more of those than `maxWorkers`, spread round-robin over `maxWorkers` workers.
 */
export function groupDevices(
  devices: readonly ConfigDevice[],
  maxWorkers = Number.POSITIVE_INFINITY,
): ConfigDevice[][] {
  const units = connectionUnits(devices);
  if (units.length <= maxWorkers) return units;
  const groups: ConfigDevice[][] = Array.from({ length: maxWorkers }, () => []);
  units.forEach((unit, i) => {
    groups[i % maxWorkers]?.push(...unit);
  });
  return groups;
}

/** Devices that must share a worker: the RTU devices of one serial line. Everything else goes alone. */
function connectionUnits(devices: readonly ConfigDevice[]): ConfigDevice[][] {
  const groups: ConfigDevice[][] = [];
  const lines = new Map<string, ModbusRtuConfigDevice[]>();
  for (const device of devices) {
    if (!device.enabled) continue;
    if (device.protocol === 'modbus-rtu') {
      const line = lines.get(device.path);
      if (line) line.push(device);
      else {
        const group = [device];
        lines.set(device.path, group);
        groups.push(group);
      }
    } else {
      groups.push([device]);
    }
  }
  return groups;
}
