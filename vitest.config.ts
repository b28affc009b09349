// Three test projects (README "Tests"); `npm test` runs all three, `npm test -- --project unit` one.
// - unit: every test file not listed below. No network: testing/unit-setup.ts fails a test that
//   opens a socket (connect, listen, UDP, fetch), with a message saying to list its file here.
// - integration: real servers on 127.0.0.1 (PostgreSQL, Mosquitto, the local runtime, the gateway
//   and its PLC simulators, local stand-ins for AWS and provider endpoints).
// - e2e: the web app in Chromium.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const workspaces = '{shared,functions,edge-gateway,infra/local,infra/aws,bench,web,scripts,testing}';
const ignored = ['**/node_modules/**', '**/.tsbuild/**', '**/.next*/**'];

const integration = [
  // the local runtime through its HTTP API, MQTT broker and processes (two files there are unit tests)
  'infra/local/src/**/!(ingest-pump|telemetry-store).test.ts',
  'web/start.test.ts',
  // the config store on embedded PGlite and on the PostgreSQL server (functions/src/platform/testing)
  'functions/src/**/adapters/postgres/**/*.test.ts',
  'functions/src/alarms/{check,check-observability,instances,kpis,windows-store,write-behind}.test.ts',
  'functions/src/compose/config-store.test.ts',
  // a telemetry writer killed with SIGKILL (a real process) and the file opened again
  'functions/src/telemetry/adapters/duckdb/crash.test.ts',
  'functions/src/platform/database/{migrate-as-owner,row-level-security}.test.ts',
  'functions/src/lambda/{alarm-check,aws-stores,housekeeping}.test.ts',
  // the real AWS adapters and Lambda handlers against the AWS emulator (../shared/tools/aws-emulator)
  '{functions,infra/aws}/**/*emulator.test.ts',
  // AWS and provider clients against local HTTP and MQTT servers
  'functions/src/compose/aws.test.ts',
  'functions/src/notify/adapters/providers.test.ts',
  'functions/src/plant/adapters/aws/iot-provisioning.test.ts',
  // the gateway against Modbus and OPC UA simulators and MQTT brokers
  'edge-gateway/test/{broker-outage,cli,commands,gateway,kill9,modbus,opcua,opcua-security,plc-outage,publisher,sim,supervisor,tls}.test.ts',
  // the Sparkplug B, IEC 104 and CSV folder drivers against a real broker, outstation and files, and
  // the demo's event simulators closing with clients connected
  'edge-gateway/test/{sparkplug,iec104,csv-folder,event-sims}.test.ts',
];
const e2e = ['web/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // At least two files at a time (the e2e project below: one). Vitest's default (cores - 1) is one on
    // a 2-core machine, and most of the integration time is waiting (for servers, processes, timers),
    // not CPU: on 2 cores the whole suite took 1,570-1,900 s one file at a time, 918 s two (ADR 0024).
    // Files share nothing that makes this unsafe: ports are chosen at run time, each PostgreSQL suite
    // gets a database (and roles) of its own, each runtime its own DATA_DIR, the web build a lock.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [`${workspaces}/**/*.test.ts`],
          exclude: [...ignored, ...integration, ...e2e],
          setupFiles: ['testing/unit-setup.ts'],
          // One module graph per worker instead of one per file: a fresh import of aws-cdk-lib,
          // drizzle, PGlite... for each of ~60 files was three quarters of the project's time.
          // So a unit test leaves no global state behind (no vi.mock, stubbed globals or env).
          isolate: false,
        },
      },
      { extends: true, test: { name: 'integration', include: integration, exclude: ignored } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: e2e,
          exclude: ignored,
          // `expect.poll` waits on the page (a server action's answer, a push): as long as a locator
          // would, not Vitest's 1 s, which a loaded machine can exceed.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // After the other two projects, two files at a time like them: the failures once blamed on
          // two side by side (a 1 s poll, a console 404) came back one at a time too and are fixed
          // (the polls above, the app's favicon); one at a time made CI's test step 27 minutes (ADR 0024).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
