// Publishing stays under the broker's per-connection limits: at most maxPublishesPerSecond, each
// message under 128 KB, oldest batch first.
import { gatewayConfigSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../sim/ports.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { Collector, publicBrokerUrl } from './support/collector.ts';
import { topicIds } from './support/plant.ts';
import { tempDir, uniqueId } from './support/temp.ts';
import { waitFor } from './support/wait.ts';

describe('publisher', () => {
  it('sends a backlog oldest first at no more than maxPublishesPerSecond, each message under 128 KB', async () => {
    const dir = await tempDir();
    const input = {
      gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
      mqtt: { url: publicBrokerUrl, maxPublishesPerSecond: 20 },
      buffer: { dir: `${dir}/buffer` },
      devices: [],
    };
    const collector = await Collector.start(publicBrokerUrl, topicIds(input));
    const arrivals: number[] = [];
    let largest = 0;
    collector.client.on('message', (topic, payload) => {
      if (topic.endsWith('/telemetry')) {
        arrivals.push(Date.now());
        largest = Math.max(largest, payload.length);
      }
    });
    // A backlog as if the gateway had been offline: 120 batches of 1,000 points.
    const seed = await Gateway.start({
      config: gatewayConfigSchema.parse({ ...input, mqtt: undefined }),
      baseDir: dir,
      log: silentLogger,
    });
    const t0 = 1_800_000_000_000;
    for (let b = 0; b < 120; b += 1) {
      const points: TelemetryPoint[] = Array.from({ length: 1000 }, (_, i) => ({
        d: 'plc-1',
        t: `r${i}`,
        ts: t0 + b,
        v: b,
        q: 'good',
      }));
      seed.buffer.append(points);
      seed.buffer.flush();
    }
    await seed.stop();

    const gateway = await Gateway.start({
      config: gatewayConfigSchema.parse(input),
      baseDir: dir,
      log: silentLogger,
    });
    onTestFinished(() => gateway.stop());
    await waitFor('the whole backlog', () => collector.batches.size === 120, 20_000, 50);

    const seconds = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
    const rate = (arrivals.length - 1) / seconds;
    expect(rate).toBeLessThanOrEqual(23);
    expect(rate).toBeGreaterThan(12);
    expect(largest).toBeLessThanOrEqual(128 * 1024);
    const firstValues = [...collector.batches.keys()]
      .sort((a, b) => a - b)
      .map((seq) => collector.batches.get(seq)?.points[0]?.v);
    expect(firstValues).toEqual(Array.from({ length: 120 }, (_, b) => b));
  }, 30_000);

  it('stops promptly while the broker is unreachable, keeping what it buffered', async () => {
    const dir = await tempDir();
    const config = gatewayConfigSchema.parse({
      gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
      mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
      buffer: { dir: `${dir}/buffer` },
      devices: [],
    });
    const gateway = await Gateway.start({ config, baseDir: dir, log: silentLogger });
    gateway.buffer.append([{ d: 'plc-1', t: 'level', ts: 1_800_000_000_000, v: 1, q: 'good' }]);

    const started = Date.now();
    await gateway.stop();

    expect(Date.now() - started).toBeLessThan(5000);
    const reopened = await Gateway.start({
      config: { ...config, mqtt: undefined },
      baseDir: dir,
      log: silentLogger,
    });
    onTestFinished(() => reopened.stop());
    expect(reopened.buffer.stats().points).toBe(1);
  });
});
