// What a driver worker and the supervisor say to each other.
import type { ConfigDevice, DeviceHealth, TelemetryPoint } from '@plantwatch/shared';
import type { BackoffOptions } from '../backoff.ts';
import type { LogLevel } from '../log.ts';

export interface DriverWorkerData {
  devices: ConfigDevice[];
  pkiDir: string;
  logLevel: LogLevel;
  backoff?: Partial<BackoffOptions>;
  probeMs?: number;
}

export type WorkerMessage =
  | { type: 'points'; points: TelemetryPoint[] }
  /** Sent every second: the devices' health, and proof that the worker's event loop turns. */
  | { type: 'health'; devices: DeviceHealth[] }
  | { type: 'stopped' };

export type SupervisorMessage =
  /** Run exactly these devices: drivers of unchanged ones keep running, the others are replaced. */
  { type: 'set-devices'; devices: ConfigDevice[] } | { type: 'stop' };

/** How often a worker reports health; a worker silent for many of these is hung. */
export const HEALTH_INTERVAL_MS = 1000;
