// Publishing stays under the broker's per-connection limits: at most maxPublishesPerSecond, each
// message under 128 KB, oldest batch first.
import {
  gatewayConfigSchema,
  type TelemetryPoint,
  telemetryMessageSchema,
  telemetryTopic,
} from '@plantwatch/shared';
import mqtt from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../sim/ports.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { Collector, publicBrokerUrl } from './support/collector.ts';
import { topicIds } from './support/plant.ts';
import { tempDir, uniqueId } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

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

  it('packs every change of a publish interval into one message, and no change waits longer', async () => {
    const dir = await tempDir();
    const input = {
      gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
      mqtt: { url: publicBrokerUrl, publishIntervalMs: 1000 },
      buffer: { dir: `${dir}/buffer` },
      devices: [],
    };
    const collector = await Collector.start(publicBrokerUrl, topicIds(input));
    const arrivals: { at: number; seq: number; newestTs: number }[] = [];
    collector.client.on('message', (topic, payload) => {
      if (!topic.endsWith('/telemetry')) return;
      const message = telemetryMessageSchema.parse(JSON.parse(payload.toString('utf8')));
      arrivals.push({
        at: Date.now(),
        seq: message.seq,
        newestTs: Math.max(...message.points.map((p) => p.ts)),
      });
    });
    const gateway = await Gateway.start({
      config: gatewayConfigSchema.parse(input),
      baseDir: dir,
      log: silentLogger,
    });
    onTestFinished(() => gateway.stop());
    await waitFor('the broker connection', () => gateway.publisher?.connected);

    // Two devices' changes every 100 ms for 4 s, as the pollers hand them over: 80 disk writes.
    const appendedAt = new Map<number, number>();
    for (let tick = 0; tick < 40; tick += 1) {
      const ts = 1_800_000_000_000 + tick;
      appendedAt.set(ts, Date.now());
      gateway.buffer.append([
        { d: 'plc-1', t: 'level', ts, v: tick, q: 'good' },
        { d: 'plc-2', t: 'flow', ts, v: tick, q: 'good' },
      ]);
      await delay(100);
    }
    await waitFor('all 80 points', () => gateway.publisher?.acknowledgedPoints === 80, 5000);

    // 4 s at one publish a second: 4 or 5 messages, not 40 (or 80).
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    expect(arrivals.length).toBeLessThanOrEqual(6);
    expect(collector.batches.size).toBe(arrivals.length);
    const sent = [...collector.batches.values()].sort((a, b) => a.seq - b.seq).flatMap((b) => b.points);
    expect(sent.map((p) => `${p.d}:${p.v}`)).toEqual(
      Array.from({ length: 40 }, (_, tick) => [`plc-1:${tick}`, `plc-2:${tick}`]).flat(),
    );
    // The newest point of each message waited less than the interval (plus the 100 ms disk flush and slack).
    for (const arrival of arrivals) {
      expect(arrival.at - (appendedAt.get(arrival.newestTs) ?? 0)).toBeLessThan(1600);
    }
  }, 20_000);

  it("publishes telemetry on the Basic Ingest topic it is given, and refuses another gateway's", async () => {
    const dir = await tempDir();
    const gatewayIds = { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') };
    const own = telemetryTopic({
      tenantId: gatewayIds.tenantId,
      siteId: gatewayIds.siteId,
      gatewayId: gatewayIds.id,
    });
    const basicIngest = `$aws/rules/plantwatch_telemetry/${own}`;
    const input = {
      gateway: gatewayIds,
      mqtt: { url: publicBrokerUrl, telemetryTopic: basicIngest, publishIntervalMs: 0 },
      buffer: { dir: `${dir}/buffer` },
      devices: [],
    };
    expect(
      gatewayConfigSchema.safeParse({
        ...input,
        mqtt: { ...input.mqtt, telemetryTopic: `$aws/rules/x/dt/a/b/c/telemetry` },
      }).error?.issues[0],
    ).toMatchObject({
      path: ['mqtt', 'telemetryTopic'],
      message: expect.stringContaining(own),
    });
    const listener = await mqtt.connectAsync(publicBrokerUrl, { clientId: uniqueId('listener') });
    onTestFinished(() => listener.endAsync());
    const received: string[] = [];
    listener.on('message', (topic) => received.push(topic));
    await listener.subscribeAsync([basicIngest, own], { qos: 1 });
    const gateway = await Gateway.start({
      config: gatewayConfigSchema.parse(input),
      baseDir: dir,
      log: silentLogger,
    });
    onTestFinished(() => gateway.stop());

    gateway.buffer.append([{ d: 'plc-1', t: 'level', ts: 1_800_000_000_000, v: 1, q: 'good' }]);

    await waitFor('the batch', () => received.length > 0, 5000);
    expect(received).toEqual([basicIngest]);
  });
});
