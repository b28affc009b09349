// The inside of a driver worker thread: runs the drivers of the devices the supervisor gives it, each
// in its own polling loop (a slow or dead PLC delays nobody else), sends their points in small bursts
// and their health every second, the proof of life the supervisor watches.
import type { MessagePort } from 'node:worker_threads';
import type { ConfigDevice, TelemetryPoint } from '@plantwatch/shared';
import type { DeviceDriver } from '../driver.ts';
import { connectionUnits, createDrivers } from '../drivers.ts';
import { createLogger } from '../log.ts';
import { collectStartupGarbageSoon } from '../startup-garbage.ts';
import {
  type DriverWorkerData,
  HEALTH_INTERVAL_MS,
  type SupervisorMessage,
  type WorkerMessage,
} from './messages.ts';

export type BuildDrivers = typeof createDrivers;

interface RunningUnit {
  /** The unit's device settings as JSON: a change replaces its drivers, anything else leaves them be. */
  signature: string;
  drivers: DeviceDriver[];
}

export async function runDriverHost(
  port: MessagePort,
  data: DriverWorkerData,
  build: BuildDrivers = createDrivers,
): Promise<void> {
  const log = createLogger({ level: data.logLevel });
  const send = (message: WorkerMessage) => port.postMessage(message);
  const options = {
    pkiDir: data.pkiDir,
    ...(data.backoff ? { backoff: data.backoff } : {}),
    ...(data.probeMs !== undefined ? { probeMs: data.probeMs } : {}),
  };
  const units = new Map<string, RunningUnit>();

  // Points of one turn of the event loop go as one message: fewer messages at high rates.
  let pending: TelemetryPoint[] = [];
  const flush = () => {
    const points = pending;
    pending = [];
    if (points.length > 0) send({ type: 'points', points });
  };
  const sink = (points: TelemetryPoint[]) => {
    if (pending.length === 0) setImmediate(flush);
    for (const point of points) pending.push(point);
  };
  const reportHealth = () =>
    send({
      type: 'health',
      devices: [...units.values()].flatMap((unit) => unit.drivers.map((driver) => driver.health())),
    });

  async function setDevices(devices: readonly ConfigDevice[]): Promise<void> {
    const wanted = new Map(connectionUnits(devices).map((unit) => [unit.key, unit]));
    const stopping: Promise<void>[] = [];
    for (const [key, running] of units) {
      const unit = wanted.get(key);
      if (unit && JSON.stringify(unit.devices) === running.signature) continue;
      units.delete(key);
      stopping.push(...running.drivers.map((driver) => driver.stop()));
    }
    await Promise.allSettled(stopping);
    for (const [key, unit] of wanted) {
      if (units.has(key)) continue;
      const drivers = await build(unit.devices, log, options);
      units.set(key, { signature: JSON.stringify(unit.devices), drivers });
      for (const driver of drivers) driver.start(sink);
    }
    reportHealth();
  }

  // Changes are applied one after the other, in the order they came.
  let applying = setDevices(data.devices);
  await applying;
  collectStartupGarbageSoon();
  const timer = setInterval(reportHealth, HEALTH_INTERVAL_MS);

  port.on('message', (message: SupervisorMessage) => {
    if (message.type === 'set-devices') {
      applying = applying.then(() => setDevices(message.devices));
      return;
    }
    clearInterval(timer);
    void applying.then(async () => {
      const drivers = [...units.values()].flatMap((unit) => unit.drivers);
      units.clear();
      await Promise.allSettled(drivers.map((driver) => driver.stop()));
      flush();
      send({ type: 'stopped' });
      port.close();
    });
  });
}
