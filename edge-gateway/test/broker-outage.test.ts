// Store-and-forward: the broker is stopped for 60 s while the gateway reads 1,000 points/s; after
// it comes back every point arrives, in order, none twice.
import { type GatewayConfigInput, gatewayConfigSchema } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { Collector } from './support/collector.ts';
import { PrivateBroker } from './support/mosquitto.ts';
import { topicIds } from './support/plant.ts';
import { tempDir, uniqueId } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

const devicesCount = 10;
const tagsPerDevice = 100;

describe('broker outage', () => {
  it('loses 0 points and duplicates 0 after the broker was down for 60 s at 1,000 points/s', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    // Every register moves every 100 ms, so every poll of every tag is a new point (deadband 0).
    let tick = 0;
    const mover = setInterval(() => {
      tick += 1;
      for (let i = 0; i < tagsPerDevice; i += 1) sim.holding[i] = (tick + i) & 0xffff;
    }, 100);
    onTestFinished(() => clearInterval(mover));
    const input: GatewayConfigInput & { gateway: { id: string; tenantId: string; siteId: string } } = {
      gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
      mqtt: { url: broker.url },
      buffer: { dir: `${dir}/buffer`, maxBytes: 256 * 1024 * 1024, whenFull: 'drop-oldest' },
      devices: Array.from({ length: devicesCount }, (_, d) => ({
        id: `plc-${d}`,
        protocol: 'modbus-tcp' as const,
        host: '127.0.0.1',
        port: sim.port,
        unitId: d + 1,
        pollMs: 1000,
        tags: Array.from({ length: tagsPerDevice }, (_, t) => ({
          id: `r${t}`,
          area: 'holding' as const,
          address: t,
          type: 'uint16' as const,
        })),
      })),
    };
    const collector = await Collector.start(broker.url, topicIds(input), {
      clientId: uniqueId('collector'),
      clean: false,
    });
    const gateway = await Gateway.start({
      config: gatewayConfigSchema.parse(input),
      baseDir: dir,
      log: silentLogger,
    });
    let stopped = false;
    onTestFinished(async () => {
      if (!stopped) await gateway.stop();
    });
    await waitFor('the first telemetry', () => collector.batches.size > 0, 15_000);

    await delay(3000);
    await broker.stop();
    const outageStart = gateway.bufferedPoints;
    await delay(60_000);
    const pointsDuringOutage = gateway.bufferedPoints - outageStart;
    await broker.resume();
    await waitFor(
      'the backlog to drain',
      () => gateway.buffer.stats().points === 0 && collector.points().length >= gateway.bufferedPoints - 2000,
      60_000,
      200,
    );
    stopped = true;
    await gateway.stop();
    await waitFor(
      'the last batches',
      () => collector.points().length === gateway.bufferedPoints,
      10_000,
      100,
    );

    const points = collector.points();
    const identities = new Set(points.map((p) => `${p.d}/${p.t}/${p.ts}`));
    const seqs = [...collector.batches.keys()].sort((a, b) => a - b);
    expect(pointsDuringOutage).toBeGreaterThan(55_000);
    expect(points).toHaveLength(gateway.bufferedPoints); // lost 0
    expect(identities.size).toBe(points.length); // duplicated 0
    expect(collector.changedReplays).toBe(0); // a replayed seq carries the same bytes
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // none missing
    expect(gateway.buffer.stats().droppedPoints).toBe(0);
    // In order per device and tag.
    const lastTs = new Map<string, number>();
    for (const p of points) {
      const key = `${p.d}/${p.t}`;
      expect(p.ts).toBeGreaterThan(lastTs.get(key) ?? 0);
      lastTs.set(key, p.ts);
    }
  }, 180_000);
});
