// Store-and-forward through a broker that freezes (SIGSTOP: its sockets stay open, it answers
// nothing) and a link that drops, while the gateway reads 500 points/s: every point arrives, in order;
// a batch arrives twice only if it was in flight, unacknowledged, when the connection was given up
// (QoS 1 cannot know whether the broker got it), and then with the same bytes and seq, which ingest
// drops. The timings are the settings' shortened forms (a 2 s publish timeout and keep-alive instead
// of 10 s and 8 s); the freeze lasts four times as long as it takes to notice it (ADR 0023).
import { type GatewayConfigInput, gatewayConfigSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { Gateway } from '../src/gateway.ts';
import { createLogger } from '../src/log.ts';
import { Collector } from './support/collector.ts';
import { PrivateBroker } from './support/mosquitto.ts';
import { topicIds } from './support/plant.ts';
import { cuttableLink } from './support/proxy.ts';
import { tempDir, uniqueId } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

const tagsPerDevice = 50;

async function movingPlc(): Promise<ModbusSimulator> {
  const sim = new ModbusSimulator();
  await sim.start();
  onTestFinished(() => sim.stop());
  // Every register moves every 50 ms, so every poll of every tag is a new point (deadband 0).
  let tick = 0;
  const mover = setInterval(() => {
    tick += 1;
    for (let i = 0; i < tagsPerDevice; i += 1) sim.holding[i] = (tick + i) & 0xffff;
  }, 50);
  onTestFinished(() => clearInterval(mover));
  return sim;
}

/** Two PLCs × 50 registers every 200 ms: 500 points/s, a batch about every 100 ms. */
async function startGateway(dir: string, brokerUrl: string, sim: ModbusSimulator, devices = 2) {
  const input: GatewayConfigInput & { gateway: { id: string; tenantId: string; siteId: string } } = {
    gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
    mqtt: { url: brokerUrl, publishTimeoutSeconds: 2, keepaliveSeconds: 2, reconnectMaxSeconds: 1 },
    buffer: { dir: `${dir}/buffer`, maxBytes: 64 * 1024 * 1024, whenFull: 'drop-oldest' },
    devices: Array.from({ length: devices }, (_, d) => ({
      id: `plc-${d}`,
      protocol: 'modbus-tcp' as const,
      host: '127.0.0.1',
      port: sim.port,
      unitId: d + 1,
      pollMs: 200,
      tags: Array.from({ length: tagsPerDevice }, (_, t) => ({
        id: `r${t}`,
        area: 'holding' as const,
        address: t,
        type: 'uint16' as const,
      })),
    })),
  };
  const lines: { at: number; msg: string }[] = [];
  const log = createLogger({
    level: 'warn',
    write: (line) => lines.push({ at: Date.now(), msg: (JSON.parse(line) as { msg: string }).msg }),
  });
  const gateway = await Gateway.start({
    config: gatewayConfigSchema.parse(input),
    baseDir: dir,
    log,
    flushMs: 100,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await gateway.stop();
  };
  onTestFinished(stop);
  const publisher = gateway.publisher;
  if (!publisher) throw new Error('no publisher');
  return { gateway, publisher, input, lines, stop };
}

/** Drains, stops the gateway, and checks: nothing lost, in order, repeats only of batches in doubt. */
async function expectEverythingOnceInOrder(
  run: Awaited<ReturnType<typeof startGateway>>,
  collector: Collector,
  inDoubt: ReadonlySet<number>,
) {
  const { gateway, stop } = run;
  await waitFor(
    'the backlog to drain',
    () => gateway.buffer.stats().points === 0 && collector.points().length >= gateway.bufferedPoints - 1000,
    30_000,
    100,
  );
  await stop();
  await waitFor('the last batches', () => collector.points().length === gateway.bufferedPoints, 10_000, 100);

  const points = collector.points();
  const identities = new Set(points.map((p: TelemetryPoint) => `${p.d}/${p.t}/${p.ts}`));
  const seqs = [...collector.batches.keys()].sort((a, b) => a - b);
  expect(points).toHaveLength(gateway.bufferedPoints); // lost 0
  expect(identities.size).toBe(points.length); // no point in two batches
  // No seq-gap check: batches written while the publish interval ran were merged into their first
  // seq (ADR 0026), so seqs have gaps; the point count above is what proves nothing was lost.
  expect(collector.changedReplays).toBe(0); // a repeated seq carries the same bytes
  expect(gateway.buffer.stats().droppedPoints).toBe(0);
  // In order: each batch first arrives after every batch before it.
  const firstArrivals: number[] = [];
  for (const { seq } of collector.arrivals) if (!firstArrivals.includes(seq)) firstArrivals.push(seq);
  expect(firstArrivals).toEqual(seqs);
  // Repeats: only batches that were in flight when a connection was given up, each at most once more.
  const repeated = collector.arrivals.length - collector.batches.size;
  const repeatedSeqs = collector.arrivals.map((a) => a.seq).filter((seq, i, all) => all.indexOf(seq) !== i);
  for (const seq of repeatedSeqs) expect(inDoubt.has(seq)).toBe(true);
  expect(new Set(repeatedSeqs).size).toBe(repeatedSeqs.length);
  return { batches: seqs.length, repeated };
}

describe('broker outage', () => {
  it('notices a frozen broker within the publish timeout and, after 4x that, delivers every point once, in order', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const sim = await movingPlc();
    const run = await startGateway(dir, broker.url, sim);
    const collector = await Collector.start(broker.url, topicIds(run.input), {
      clientId: uniqueId('collector'),
      clean: false,
    });
    await waitFor('the first telemetry', () => collector.batches.size > 0, 15_000);
    await delay(1000);

    broker.freeze();
    const frozenAt = Date.now();
    const connectionsBefore = run.publisher.connections;
    await delay(8000);
    const bufferedDuringFreeze = run.gateway.bufferedPoints;
    broker.thaw();
    await waitFor('a new connection', () => run.publisher.connections > connectionsBefore, 10_000);

    const noticed = run.lines.find((l) => l.at >= frozenAt && l.msg === 'broker connection lost; buffering');
    expect(noticed).toBeDefined();
    // publishTimeoutSeconds 2, checked every 500 ms; a batch goes out every ~100 ms.
    expect((noticed?.at ?? Number.POSITIVE_INFINITY) - frozenAt).toBeLessThan(4000);
    expect(bufferedDuringFreeze).toBeGreaterThan(3000);
    const { repeated } = await expectEverythingOnceInOrder(run, collector, run.publisher.inDoubt);
    // A stalled connection gets no new batches: few, if any, were left in doubt by the freeze.
    expect(repeated).toBeLessThanOrEqual(3);
  }, 60_000);

  it('notices a broker that froze while nothing was being sent, by the keep-alive', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const sim = await movingPlc();
    const run = await startGateway(dir, broker.url, sim, 0);
    await waitFor('the connection', () => run.publisher.connected, 10_000);
    await delay(500);

    broker.freeze();
    const frozenAt = Date.now();
    await waitFor('the frozen connection to be given up', () => !run.publisher.connected, 10_000, 50);
    const noticedAfterMs = Date.now() - frozenAt;
    broker.thaw();

    // keepaliveSeconds 2: a ping after 2 s of silence, given up 1 s later (1.5 x keep-alive).
    expect(noticedAfterMs).toBeLessThan(4500);
    await waitFor('a new connection', () => run.publisher.connected, 10_000);
  }, 30_000);

  it('delivers every point once, in order, across three dropped connections', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const link = await cuttableLink(broker.port);
    const sim = await movingPlc();
    const run = await startGateway(dir, link.url, sim);
    const collector = await Collector.start(broker.url, topicIds(run.input), {
      clientId: uniqueId('collector'),
      clean: false,
    });
    await waitFor('the first telemetry', () => collector.batches.size > 0, 15_000);

    const inDoubtAtCuts = new Set<number>();
    for (let cut = 0; cut < 3; cut += 1) {
      await delay(1500);
      // Cut while a batch is on its way (published, not yet acknowledged), so it must go again.
      const connections = run.publisher.connections;
      await new Promise<void>((resolve) => {
        const check = () => {
          const inFlight = run.publisher.inFlightSeqs();
          if (inFlight.length === 0) return setImmediate(check);
          // What the gateway has not seen acknowledged at this instant is all that may arrive twice.
          for (const seq of inFlight) inDoubtAtCuts.add(seq);
          link.cut();
          resolve();
        };
        check();
      });
      await waitFor('the reconnection', () => run.publisher.connections > connections, 10_000, 50);
    }
    await delay(1000);

    const { batches } = await expectEverythingOnceInOrder(run, collector, inDoubtAtCuts);
    // About 8 s at 500 points/s, packed one publish a second (ADR 0026).
    expect(batches).toBeGreaterThan(6);
    expect(collector.points().length).toBeGreaterThan(3000);
    expect(inDoubtAtCuts.size).toBeGreaterThanOrEqual(3);
    expect(link.connections).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
