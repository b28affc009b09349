// Isolation: one worker for all (the default) or one per protocol runs every device; one whose driver
// hangs or throws is split out until it runs alone, while the others keep delivering points. Config changes leave unchanged
// devices' drivers (and their PLC connections) alone.
import type { ConfigDevice, TelemetryPoint } from '@plantwatch/shared';
import { gatewayConfigSchema } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { OpcuaSimulator } from '../sim/opcua-sim.ts';
import { silentLogger } from '../src/log.ts';
import { Supervisor, type SupervisorOptions } from '../src/supervisor.ts';
import { tempDir } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

const misbehavingWorker = new URL('./fixtures/misbehaving-worker.ts', import.meta.url);

const device = (id: string, port: number, pollMs = 100) => ({
  id,
  protocol: 'modbus-tcp',
  host: '127.0.0.1',
  port,
  pollMs,
  tags: [{ id: 'level', area: 'holding', address: 0, type: 'uint16' }],
});

const parseDevices = (devices: ReturnType<typeof device>[]): ConfigDevice[] =>
  gatewayConfigSchema.parse({ gateway: { id: 'gw', tenantId: 't', siteId: 's' }, devices }).devices;

async function moving(): Promise<ModbusSimulator> {
  const sim = new ModbusSimulator();
  await sim.start();
  onTestFinished(() => sim.stop());
  let value = 0;
  const timer = setInterval(() => sim.setHolding(0, [++value & 0xffff]), 50);
  onTestFinished(() => clearInterval(timer));
  return sim;
}

async function supervise(options: Partial<SupervisorOptions>) {
  const points: { at: number; point: TelemetryPoint }[] = [];
  const supervisor = new Supervisor({
    onPoints: (batch) => points.push(...batch.map((point) => ({ at: Date.now(), point }))),
    log: silentLogger,
    pkiDir: await tempDir(),
    hangTimeoutMs: 1500,
    restartBackoff: { initialMs: 200, factor: 1 },
    workerUrl: misbehavingWorker,
    ...options,
  });
  onTestFinished(() => supervisor.stop());
  /** Arrival times of a device's points since `from`, and the longest gap between them. */
  const deliveries = (id: string, from: number) => {
    const times = points.filter((p) => p.point.d === id && p.at >= from).map((p) => p.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    return { count: times.length, longestGapMs: Math.max(0, ...gaps) };
  };
  return { supervisor, points, deliveries };
}

const sorted = (groups: string[][]) =>
  groups.map((g) => [...g].sort()).sort((a, b) => a.join().localeCompare(b.join()));

describe('Supervisor', () => {
  it('runs every Modbus device in one worker, and splits out a hanging and a crashing driver until each runs alone', async () => {
    const sim = await moving();
    const { supervisor, deliveries } = await supervise({ isolation: 'protocol' });
    const devices = parseDevices([
      device('plc-good', sim.port),
      device('plc-also-good', sim.port),
      device('plc-hang', sim.port),
      device('plc-throw', sim.port),
    ]);

    await supervisor.setDevices(devices);
    expect(supervisor.workers()).toEqual([['plc-good', 'plc-also-good', 'plc-hang', 'plc-throw']]);
    await waitFor(
      'each misbehaving device to run alone',
      () => {
        const groups = supervisor.workers();
        return (
          groups.some((g) => g.length === 1 && g[0] === 'plc-hang') &&
          groups.some((g) => g.length === 1 && g[0] === 'plc-throw')
        );
      },
      15_000,
    );
    const restartsOfGood = supervisor.restarts().get('plc-good') ?? 0;
    const settled = Date.now();
    await delay(3000);

    // Two splits find both among four devices: the good ones were restarted at most twice.
    expect(restartsOfGood).toBeLessThanOrEqual(2);
    expect(supervisor.restarts().get('plc-good')).toBe(restartsOfGood);
    for (const id of ['plc-good', 'plc-also-good']) {
      const delivered = deliveries(id, settled);
      expect(delivered.count).toBeGreaterThan(15); // polled every 100 ms: most of 30 polls
      expect(delivered.longestGapMs).toBeLessThan(1000);
    }
    expect(supervisor.restarts().get('plc-throw')).toBeGreaterThanOrEqual(2);
    expect(supervisor.health().find((h) => h.d === 'plc-good')).toMatchObject({ connected: true });
    expect(supervisor.workers().length).toBeLessThanOrEqual(4);
  });

  it('by default runs Modbus and OPC UA devices in one worker, and splits a crashing driver out while both protocols keep delivering', async () => {
    const sim = await moving();
    const opcua = new OpcuaSimulator({ pkiDir: await tempDir() });
    await opcua.start();
    onTestFinished(() => opcua.stop());
    const { supervisor, deliveries } = await supervise({});
    const devices = gatewayConfigSchema.parse({
      gateway: { id: 'gw', tenantId: 't', siteId: 's' },
      devices: [
        device('plc-good', sim.port),
        {
          id: 'drive-1',
          protocol: 'opcua',
          endpoint: opcua.endpoint,
          mode: 'poll',
          pollMs: 100,
          tags: [{ id: 'motor_temp', nodeId: 'ns=1;s=MotorTemperature' }],
        },
        device('plc-throw', sim.port),
      ],
    }).devices;

    await supervisor.setDevices(devices);
    expect(supervisor.workers()).toEqual([['plc-good', 'drive-1', 'plc-throw']]);
    await waitFor(
      'the crashing device to run alone',
      () => supervisor.workers().some((g) => g.length === 1 && g[0] === 'plc-throw'),
      15_000,
    );
    // A first connection makes the client's certificate: seconds on a busy machine.
    await waitFor('the OPC UA device polled', () => deliveries('drive-1', 0).count > 0, 30_000);
    const settled = Date.now();
    await delay(3000);

    // One split finds it: the others were restarted at most once, then left alone.
    for (const id of ['plc-good', 'drive-1']) {
      expect(supervisor.restarts().get(id)).toBeLessThanOrEqual(1);
      expect(deliveries(id, settled).count).toBeGreaterThan(10); // polled every 100 ms
    }
    expect(supervisor.restarts().get('plc-throw')).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('with isolation "device", restarts a hung and a crashing worker alone; the healthy one is never restarted', async () => {
    const sim = await moving();
    const { supervisor, deliveries } = await supervise({ isolation: 'device' });
    await supervisor.setDevices(
      parseDevices([
        device('plc-good', sim.port),
        device('plc-hang', sim.port),
        device('plc-throw', sim.port),
      ]),
    );
    expect(sorted(supervisor.workers())).toEqual([['plc-good'], ['plc-hang'], ['plc-throw']]);
    const started = Date.now();
    await waitFor(
      'the hung worker to be replaced',
      () => (supervisor.restarts().get('plc-hang') ?? 0) >= 1,
      10_000,
    );
    await delay(500);

    expect(supervisor.restarts().get('plc-good')).toBe(0);
    expect(supervisor.restarts().get('plc-throw')).toBeGreaterThanOrEqual(2);
    const delivered = deliveries('plc-good', started);
    expect(delivered.count).toBeGreaterThan(10);
    expect(delivered.longestGapMs).toBeLessThan(3000);
  });

  it('applies a new device list to the running worker without reconnecting the devices that did not change', async () => {
    const unchanged = await moving();
    const changed = await moving();
    const { supervisor, points } = await supervise({ isolation: 'protocol' });
    await supervisor.setDevices(
      parseDevices([device('plc-1', unchanged.port), device('plc-2', changed.port)]),
    );
    await waitFor('both devices polled', () => supervisor.health().every((h) => h.connected), 10_000);
    const connectionsBefore = unchanged.connections;

    await supervisor.setDevices(
      parseDevices([
        device('plc-1', unchanged.port),
        device('plc-2', changed.port, 200), // a new poll rate
        device('plc-3', changed.port),
      ]),
    );
    const applied = Date.now();
    await waitFor('the new device polled', () => points.some((p) => p.point.d === 'plc-3'), 10_000);
    await delay(500);

    expect(supervisor.workers()).toEqual([['plc-1', 'plc-2', 'plc-3']]);
    expect(unchanged.connections).toBe(connectionsBefore);
    expect(points.some((p) => p.point.d === 'plc-1' && p.at > applied)).toBe(true);
    expect(supervisor.restarts().get('plc-1')).toBe(0);
  });
});
