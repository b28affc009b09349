// A PLC that went away is polled again within seconds of coming back, by the same running gateway,
// whatever the backoff had grown to: a refusing port is probed, and a port that accepts without
// answering is retried at the capped delay. Timings are the settings' shortened forms; the long
// outages (3 minutes to a day) are in backoff.test.ts on a simulated clock (ADR 0023).
import { createServer, type Socket } from 'node:net';
import { type GatewayConfigInput, gatewayConfigSchema, type TelemetryMessage } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { freePort } from '../sim/ports.ts';
import { tcpReachable } from '../src/backoff.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { plantConfig } from './support/plant.ts';
import { tempDir } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

async function gatewayFor(
  sim: ModbusSimulator,
  reconnect: GatewayConfigInput['reconnect'],
  timeoutMs = 2000,
) {
  const dir = await tempDir();
  const input = plantConfig({ modbusPort: sim.port, bufferDir: `${dir}/buffer`, pollMs: 500 });
  const config = gatewayConfigSchema.parse({
    ...input,
    reconnect,
    devices: input.devices.map((device) => ({ ...device, timeoutMs })),
  });
  const gateway = await Gateway.start({ config, baseDir: dir, log: silentLogger, flushMs: 50 });
  onTestFinished(() => gateway.stop());
  // Connected means a poll was answered (not merely sent), so the outage starts from a known value.
  await waitFor('the first answered poll', () => gateway.supervisor.health()[0]?.connected, 10_000);
  return gateway;
}

/** A server that accepts connections on `port` and never answers, as a PLC whose CPU stopped would. */
async function muteServer(port: number): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

describe('PLC outage', () => {
  it('polls a PLC whose port refused for 8 s within 2 s of its return, though the backoff had grown past 3 s', async () => {
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    sim.setHolding(0, [250]);
    // A cap far above the outage: only the probe (every 500 ms) can bring it back this soon.
    const gateway = await gatewayFor(sim, { initialMs: 1000, maxMs: 60_000, probeMs: 500 });

    await sim.stop();
    await waitFor(
      'the gateway to see the PLC gone',
      () => gateway.supervisor.health()[0]?.connected === false,
      10_000,
    );
    await delay(8000);
    const backoffAtReturn = gateway.supervisor.health()[0]?.backoffMs ?? 0;
    const requestsBefore = sim.totalRequests;
    await sim.start();
    const restartedAt = Date.now();
    await waitFor('a poll after the restart', () => sim.totalRequests > requestsBefore, 10_000, 20);
    const pollDelayMs = Date.now() - restartedAt;

    expect(backoffAtReturn).toBeGreaterThanOrEqual(4000 * 0.8);
    expect(pollDelayMs).toBeLessThan(2000);
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
  }, 30_000);

  it('polls a PLC that accepted connections but did not answer for 7 s (past the 3 s cap) within 5 s of answering again', async () => {
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    const gateway = await gatewayFor(sim, { initialMs: 500, maxMs: 3000, probeMs: 500 }, 500);

    await sim.stop();
    const closeMute = await muteServer(sim.port);
    await waitFor(
      'the gateway to see the PLC silent',
      () => gateway.supervisor.health()[0]?.connected === false,
      10_000,
    );
    await delay(7000);
    await closeMute();
    const requestsBefore = sim.totalRequests;
    await sim.start();
    const restartedAt = Date.now();
    await waitFor('a poll after the restart', () => sim.totalRequests > requestsBefore, 10_000, 20);

    // The capped delay (3 s, less jitter), the connect and one poll.
    expect(Date.now() - restartedAt).toBeLessThan(5000);
    await waitFor('health to show the PLC connected', () => gateway.supervisor.health()[0]?.connected, 5_000);
  }, 30_000);

  it('probes a port: true when something listens, false when it refuses', async () => {
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());

    expect(await tcpReachable('127.0.0.1', sim.port, 1000)).toBe(true);
    expect(await tcpReachable('127.0.0.1', await freePort(), 1000)).toBe(false);
    // The probe sends nothing: the PLC sees a connection, never a request.
    expect(sim.totalRequests).toBe(0);
    expect(sim.connections).toBe(1);
  });
});
