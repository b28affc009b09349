// A local runtime in a process of its own, for crash tests (kill -9): configured from the
// environment like `npm start` (DATA_DIR, ports, ALARM_CHECK_SECONDS), without the web app, demo or
// PLC simulators; prints one JSON line with its addresses once it serves.
// PLANTWATCH_TEST_FAULT=kill-after-alarm-commit or hold-ingest-log injects a fault (see
// LocalCompositionOptions.faults).
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { explicitPorts, parseLocalEnv } from '../env.ts';
import { startLocalRuntime } from '../runtime.ts';
import { TEST_PASSWORD_COST } from './harness.ts';

const fault = z
  .enum(['kill-after-alarm-commit', 'hold-ingest-log'])
  .optional()
  .parse(process.env.PLANTWATCH_TEST_FAULT || undefined);
const env = parseLocalEnv(process.env);
const runtime = await startLocalRuntime({
  env,
  explicitPorts: explicitPorts(process.env),
  seedDemo: false,
  passwordCost: TEST_PASSWORD_COST,
  certificateDir: join(resolve(env.DATA_DIR), 'ca'),
  reports: { schedule: false },
  ...(fault === 'kill-after-alarm-commit' ? { faults: { killAfterAlarmCommit: true } } : {}),
  ...(fault === 'hold-ingest-log' ? { faults: { holdIngestLog: true } } : {}),
});
process.stdout.write(
  `${JSON.stringify({ apiUrl: runtime.apiUrl, mqttUrl: runtime.mqttUrl, notes: runtime.notes })}\n`,
);
const stop = () => void runtime.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
