// A worker thread running the drivers of one device (or one serial line). Points are sent to the
// supervisor in small bursts; health every second doubles as the proof of life.
import { parentPort, workerData } from 'node:worker_threads';
import type { TelemetryPoint } from '@plantwatch/shared';
import { createDrivers } from '../drivers.ts';
import { createLogger } from '../log.ts';
import {
  type DriverWorkerData,
  HEALTH_INTERVAL_MS,
  type SupervisorMessage,
  type WorkerMessage,
} from './messages.ts';

const port = parentPort;
if (!port) throw new Error('driver-worker.ts runs as a worker thread only');
const data = workerData as DriverWorkerData;
const log = createLogger({ level: data.logLevel });
const send = (message: WorkerMessage) => port.postMessage(message);

const drivers = await createDrivers(data.devices, log, {
  pkiDir: data.pkiDir,
  ...(data.backoff ? { backoff: data.backoff } : {}),
});

// Points of one turn of the event loop go as one message: fewer messages at high rates.
let pending: TelemetryPoint[] = [];
const flush = () => {
  const points = pending;
  pending = [];
  if (points.length > 0) send({ type: 'points', points });
};
for (const driver of drivers) {
  driver.start((points) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(...points);
  });
}

const reportHealth = () => send({ type: 'health', devices: drivers.map((driver) => driver.health()) });
reportHealth();
const timer = setInterval(reportHealth, HEALTH_INTERVAL_MS);

port.on('message', async (message: SupervisorMessage) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  await Promise.allSettled(drivers.map((driver) => driver.stop()));
  flush();
  send({ type: 'stopped' });
  port.close();
});
