// Isolation: each device's driver runs in its own worker; one that hangs or throws is replaced
// alone while the others keep delivering points.
import type { ConfigDevice, TelemetryPoint } from '@plantwatch/shared';
import { gatewayConfigSchema } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { silentLogger } from '../src/log.ts';
import { driverWorkerUrl, Supervisor } from '../src/supervisor.ts';
import { tempDir } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

const device = (id: string, port: number) => ({
  id,
  protocol: 'modbus-tcp',
  host: '127.0.0.1',
  port,
  pollMs: 100,
  deadband: 0,
  tags: [{ id: 'level', area: 'holding', address: 0, type: 'uint16' }],
});

describe('Supervisor', () => {
  it('restarts a hung and a crashing driver worker alone while the healthy one keeps polling', async () => {
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    const devices: ConfigDevice[] = gatewayConfigSchema.parse({
      gateway: { id: 'gw', tenantId: 't', siteId: 's' },
      devices: [
        device('plc-good', sim.port),
        device('plc-hang', sim.port),
        device('plc-throw', sim.port),
      ].map(({ deadband: _d, ...rest }) => rest),
    }).devices;
    const points: { at: number; point: TelemetryPoint }[] = [];
    const supervisor = new Supervisor({
      onPoints: (batch) => points.push(...batch.map((point) => ({ at: Date.now(), point }))),
      log: silentLogger,
      pkiDir: await tempDir(),
      hangTimeoutMs: 1500,
      restartBackoff: { initialMs: 200, factor: 1 },
      workerUrl: (group) => {
        const id = group[0]?.id;
        if (id === 'plc-hang') return new URL('./fixtures/hanging-worker.ts', import.meta.url);
        if (id === 'plc-throw') return new URL('./fixtures/throwing-worker.ts', import.meta.url);
        return driverWorkerUrl;
      },
    });
    onTestFinished(() => supervisor.stop());

    await supervisor.setDevices(devices);
    await waitFor('the first good point', () => points.length > 0, 10_000);
    const started = Date.now();
    let value = 0;
    const timer = setInterval(() => sim.setHolding(0, [++value]), 100);
    onTestFinished(() => clearInterval(timer));
    await waitFor(
      'the hung worker to be replaced',
      () => (supervisor.restarts().get('plc-hang') ?? 0) >= 1,
      10_000,
    );
    await delay(500);

    const restarts = supervisor.restarts();
    expect(restarts.get('plc-good')).toBe(0);
    expect(restarts.get('plc-throw')).toBeGreaterThanOrEqual(2);
    expect(restarts.get('plc-hang')).toBeGreaterThanOrEqual(1);
    // The healthy device delivered throughout: it polls every 100 ms; a gap of 3 s allows for a
    // loaded CI machine, and the count shows it kept most of its polls.
    const times = points.filter((p) => p.point.d === 'plc-good' && p.at >= started).map((p) => p.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(times.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(3000);
    expect(times.length).toBeGreaterThan(((Date.now() - started) / 100) * 0.5);
    expect(supervisor.health().find((h) => h.d === 'plc-good')).toMatchObject({ connected: true });
  });
});
