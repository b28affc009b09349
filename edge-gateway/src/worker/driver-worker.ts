// A driver worker thread (see driver-host.ts): the supervisor starts one per protocol, or more.
import { parentPort, workerData } from 'node:worker_threads';
import { runDriverHost } from './driver-host.ts';
import type { DriverWorkerData } from './messages.ts';

if (!parentPort) throw new Error('driver-worker.ts runs as a worker thread only');
await runDriverHost(parentPort, workerData as DriverWorkerData);
