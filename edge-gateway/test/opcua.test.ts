// The OPC UA driver against the simulator's real OPC UA server on 127.0.0.1.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { opcuaConfigDeviceSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OpcuaSimulator } from '../sim/opcua-sim.ts';
import { silentLogger } from '../src/log.ts';
import { browse } from '../src/opcua/browse.ts';
import { OpcuaDriver } from '../src/opcua/driver.ts';
import { tempDir } from './support/temp.ts';
import { waitFor } from './support/wait.ts';

async function start(mode: 'subscribe' | 'poll' = 'subscribe') {
  const dir = await tempDir();
  const sim = new OpcuaSimulator({ pkiDir: `${dir}/server-pki` });
  await sim.start();
  onTestFinished(() => sim.stop());
  const device = opcuaConfigDeviceSchema.parse({
    id: 'plc-2',
    protocol: 'opcua',
    endpoint: sim.endpoint,
    mode,
    publishMs: 100,
    pollMs: 100,
    tags: [
      { id: 'motor_temp', nodeId: 'ns=1;s=MotorTemperature', unit: 'degC' },
      { id: 'motor_current', nodeId: 'ns=1;s=MotorCurrent', scale: 10 },
      { id: 'pump_run', nodeId: 'ns=1;s=PumpRunning' },
    ],
  });
  const points: TelemetryPoint[] = [];
  const driver = new OpcuaDriver(device, silentLogger, {
    pkiDir: `${dir}/client-pki`,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  onTestFinished(() => driver.stop());
  driver.start((batch) => points.push(...batch));
  return { sim, driver, points };
}

const seen = (points: TelemetryPoint[], tag: string, value: unknown) =>
  points.some((p) => p.t === tag && p.v === value && p.q === 'good');

/** The heap in use after a full collection: what is still referenced, not what awaits the collector. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('OPC UA driver', () => {
  it('delivers data changes through one subscription, with source timestamps and scaling', async () => {
    const { sim, driver, points } = await start();
    await waitFor('the initial values', () => seen(points, 'pump_run', false), 15_000);

    const before = Date.now();
    sim.set('MotorTemperature', 71.5);
    sim.set('MotorCurrent', 4.2);
    await waitFor('the changes', () => seen(points, 'motor_temp', 71.5) && seen(points, 'motor_current', 42));

    const change = points.find((p) => p.t === 'motor_temp' && p.v === 71.5);
    expect(change?.ts).toBeGreaterThanOrEqual(before - 50);
    expect(driver.monitoredItemCount).toBe(3);
    expect(sim.counts()).toMatchObject({ sessions: 1, subscriptions: 1, monitoredItems: 3 });
  });

  it('reads by polling when the device asks for it', async () => {
    const { sim, points } = await start('poll');
    sim.set('MotorTemperature', 55.25);
    await waitFor('a polled value', () => seen(points, 'motor_temp', 55.25), 15_000);
    expect(sim.counts()).toMatchObject({ sessions: 1, subscriptions: 0 });
  });

  it('comes back by itself after 20 server restarts, with the same monitored items and bounded memory', async () => {
    const { sim, driver, points } = await start();
    await waitFor('the initial values', () => seen(points, 'pump_run', false), 15_000);
    let heapAfterFirstRounds = 0;

    for (let restart = 1; restart <= 20; restart += 1) {
      await sim.stop();
      await sim.start();
      sim.set('MotorTemperature', 100 + restart);
      await waitFor(`data after restart ${restart}`, () => seen(points, 'motor_temp', 100 + restart), 15_000);
      if (restart === 5) heapAfterFirstRounds = heapAfterGc();
    }

    expect(sim.starts).toBe(21);
    expect(driver.sessionsCreated).toBe(21);
    expect(driver.monitoredItemCount).toBe(3);
    await waitFor('the server to see exactly one session', () => sim.counts().sessions === 1);
    expect(sim.counts()).toMatchObject({ sessions: 1, subscriptions: 1, monitoredItems: 3 });
    // No data change arrives twice (as it would through a leftover subscription): every tag and
    // source timestamp once. (A new session does report the current value again, with its own time.)
    const identities = points.filter((p) => p.q === 'good').map((p) => `${p.t}@${p.ts}`);
    expect(new Set(identities).size).toBe(identities.length);
    // Measured after a full collection: about 3 MB over fifteen restarts.
    expect(heapAfterGc() - heapAfterFirstRounds).toBeLessThan(16 * 1024 * 1024);
    expect(driver.health()).toMatchObject({ connected: true });
  }, 120_000);

  it('browses the address space down to the simulated drive variables', async () => {
    const dir = await tempDir();
    const sim = new OpcuaSimulator({ pkiDir: `${dir}/server-pki` });
    await sim.start();
    onTestFinished(() => sim.stop());

    const tree = await browse(sim.endpoint, { depth: 2, pkiDir: `${dir}/client-pki` });

    const drive = tree.children?.find((node) => node.browseName.endsWith('PumpDrive'));
    expect(drive?.children?.map((node) => node.nodeId)).toEqual(
      expect.arrayContaining(['ns=1;s=MotorTemperature', 'ns=1;s=MotorCurrent']),
    );
  });
});
