// Builds the drivers for a set of devices: one per TCP or OPC UA device, and one shared serial line
// for the RTU devices on the same port. Also says which devices must run together (a connection unit).
import type { ConfigDevice } from '@plantwatch/shared';
import type { BackoffOptions } from './backoff.ts';
import type { DeviceDriver } from './driver.ts';
import type { Logger } from './log.ts';
import { ModbusDriver } from './modbus/driver.ts';
import { ModbusLine } from './modbus/line.ts';

export interface DriverOptions {
  /** OPC UA client certificate store used when a device names none. */
  pkiDir: string;
  backoff?: Partial<BackoffOptions>;
  /** While a device's port refuses connections, it is probed this often (default 1 s). */
  probeMs?: number;
}

export async function createDrivers(
  devices: readonly ConfigDevice[],
  log: Logger,
  options: DriverOptions,
): Promise<DeviceDriver[]> {
  const reconnect = {
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.probeMs !== undefined ? { probeMs: options.probeMs } : {}),
  };
  const serialLines = new Map<string, ModbusLine>();
  const drivers: DeviceDriver[] = [];
  for (const device of devices) {
    if (device.protocol === 'opcua') {
      // Loaded only where needed: node-opcua is large, and most sites run Modbus only.
      const { OpcuaDriver } = await import('./opcua/driver.ts');
      drivers.push(new OpcuaDriver(device, log, { pkiDir: device.pkiDir ?? options.pkiDir, ...reconnect }));
      continue;
    }
    let line: ModbusLine;
    if (device.protocol === 'modbus-rtu') {
      line = serialLines.get(device.path) ?? new ModbusLine(device);
      serialLines.set(device.path, line);
    } else {
      line = new ModbusLine(device);
    }
    drivers.push(new ModbusDriver(device, line, log, reconnect));
  }
  return drivers;
}

export type ProtocolFamily = 'modbus' | 'opcua';

/** Devices that must run in one thread: the RTU devices of one serial line; any other device alone. */
export interface ConnectionUnit {
  /** `device:<id>`, or `line:<path>` for a serial line. */
  key: string;
  family: ProtocolFamily;
  devices: ConfigDevice[];
}

/** The connection units of the enabled devices, in config order. */
export function connectionUnits(devices: readonly ConfigDevice[]): ConnectionUnit[] {
  const units: ConnectionUnit[] = [];
  const lines = new Map<string, ConnectionUnit>();
  for (const device of devices) {
    if (!device.enabled) continue;
    if (device.protocol === 'modbus-rtu') {
      const line = lines.get(device.path);
      if (line) line.devices.push(device);
      else {
        const unit: ConnectionUnit = { key: `line:${device.path}`, family: 'modbus', devices: [device] };
        lines.set(device.path, unit);
        units.push(unit);
      }
    } else {
      units.push({
        key: `device:${device.id}`,
        family: device.protocol === 'opcua' ? 'opcua' : 'modbus',
        devices: [device],
      });
    }
  }
  return units;
}
