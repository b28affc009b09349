// Builds the drivers for a set of devices: one per TCP, OPC UA, Sparkplug, IEC 104 or CSV folder
// device, and one shared serial line for the RTU devices on the same port. Also says which devices must
// run together (a connection unit) and in which worker family.
import type { ConfigDevice } from '@plantwatch/shared';
import type { BackoffOptions } from './backoff.ts';
import type { DeviceDriver } from './driver.ts';
import type { Logger } from './log.ts';
import type { ModbusLine } from './modbus/line.ts';

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
    if (device.protocol === 'sparkplug') {
      const { SparkplugDriver } = await import('./sparkplug/driver.ts');
      drivers.push(new SparkplugDriver(device, log, reconnect));
      continue;
    }
    if (device.protocol === 'iec104') {
      const { Iec104Driver } = await import('./iec104/driver.ts');
      drivers.push(new Iec104Driver(device, log, reconnect));
      continue;
    }
    if (device.protocol === 'csv-folder') {
      const { CsvFolderDriver } = await import('./csv-folder/driver.ts');
      drivers.push(new CsvFolderDriver(device, log));
      continue;
    }
    if (device.protocol === 'opcua') {
      // Loaded only where needed: node-opcua is large, and most sites run Modbus only.
      const { OpcuaDriver } = await import('./opcua/driver.ts');
      drivers.push(new OpcuaDriver(device, log, { pkiDir: device.pkiDir ?? options.pkiDir, ...reconnect }));
      continue;
    }
    // Loaded here too, like the others: the gateway's main thread imports this file (connection units,
    // read --once) and otherwise carried modbus-serial and serialport it never uses (ADR 0054).
    const [{ ModbusDriver }, { ModbusLine }] = await Promise.all([
      import('./modbus/driver.ts'),
      import('./modbus/line.ts'),
    ]);
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

/**
 * Which worker a device starts in with `workers.isolation: "protocol"`. Sparkplug, IEC 104 and CSV
 * folder devices share the Modbus worker: like Modbus they are small, pure JavaScript and wait on I/O,
 * while a thread of their own would cost ~40 MB of resident memory (measured on the demo gateway); a
 * device that crashes the worker is split off by the supervisor like any other (ADR 0032). OPC UA
 * has its own there. The default, `shared`, starts every family in one worker (ADR 0057).
 */
export type ProtocolFamily = 'modbus' | 'opcua';

function familyOf(device: ConfigDevice): ProtocolFamily {
  return device.protocol === 'opcua' ? 'opcua' : 'modbus';
}

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
      units.push({ key: `device:${device.id}`, family: familyOf(device), devices: [device] });
    }
  }
  return units;
}
