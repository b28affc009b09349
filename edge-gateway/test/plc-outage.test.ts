// A PLC that is off for 30 s is polled again within 5 s of coming back, by the same running gateway.
import { gatewayConfigSchema, type TelemetryMessage } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { plantConfig } from './support/plant.ts';
import { tempDir } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

describe('PLC outage', () => {
  it('polls a Modbus PLC again within 5 s after it was stopped for 30 s', async () => {
    const dir = await tempDir();
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    sim.setHolding(0, [250]);
    const config = gatewayConfigSchema.parse(
      plantConfig({ modbusPort: sim.port, bufferDir: `${dir}/buffer`, pollMs: 500 }),
    );
    const gateway = await Gateway.start({ config, baseDir: dir, log: silentLogger, flushMs: 50 });
    onTestFinished(() => gateway.stop());
    // Connected means a poll was answered (not merely sent), so the outage starts from a known value.
    await waitFor('the first answered poll', () => gateway.supervisor.health()[0]?.connected, 10_000);

    await sim.stop();
    await waitFor(
      'the gateway to see the PLC gone',
      () => gateway.supervisor.health()[0]?.connected === false,
      10_000,
    );
    await delay(30_000);
    const requestsBefore = sim.totalRequests;
    await sim.start();
    const restartedAt = Date.now();
    await waitFor('a poll after the restart', () => sim.totalRequests > requestsBefore, 5_000, 20);
    const pollDelayMs = Date.now() - restartedAt;

    expect(pollDelayMs).toBeLessThan(5_000);
    await waitFor('health to show the PLC connected', () => gateway.supervisor.health()[0]?.connected, 5_000);
    expect(gateway.supervisor.restarts().get('plc-1')).toBe(0);
    await delay(200);
    gateway.buffer.flush();
    const levels = gateway.buffer
      .batchesAfter(0, 1000)
      .flatMap((b) => (JSON.parse(b.payload) as TelemetryMessage).points)
      .filter((p) => p.t === 'level')
      .map((p) => p.q);
    expect(levels).toEqual(['good', 'bad', 'good']);
  }, 60_000);
});
