// The status a gateway reports about its buffer: size, dropped points, and the whenFull it applies.
import { gatewayConfigSchema, gatewayStatusSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Gateway } from '../src/gateway.ts';
import { createLogger, silentLogger } from '../src/log.ts';
import { tempDir } from './support/temp.ts';

const points = (n: number, from: number): TelemetryPoint[] =>
  Array.from({ length: n }, (_, i) => ({
    d: 'plc-1',
    t: `r${i}`,
    ts: 1_800_000_000_000 + from + i,
    v: i,
    q: 'good',
  }));

describe('gateway status', () => {
  it.each([
    ['reject-new', 'drop-newest'],
    ['drop-oldest', 'drop-oldest'],
  ] as const)('reports whenFull %s as %s, with the points it dropped', async (whenFull, reported) => {
    const dir = await tempDir();
    const config = gatewayConfigSchema.parse({
      gateway: { id: 'gw-1', tenantId: 't-1', siteId: 's-1' },
      buffer: { dir: `${dir}/buffer`, maxBytes: 16_384, whenFull },
      devices: [],
    });
    const gateway = await Gateway.start({ config, baseDir: dir, log: silentLogger });
    onTestFinished(() => gateway.stop());

    for (let i = 0; i < 20; i += 1) {
      gateway.buffer.append(points(50, i * 50));
      gateway.buffer.flush();
    }
    const status = gatewayStatusSchema.parse(gateway.status());

    expect(status).toMatchObject({ state: 'online', buffer: { whenFull: reported } });
    if (status.state !== 'online' || !status.buffer) throw new Error('no buffer in status');
    expect(status.buffer.droppedPoints).toBeGreaterThan(0);
    expect(status.buffer.bytes).toBeLessThanOrEqual(16_384);
    expect(status.buffer.points + status.buffer.droppedPoints).toBe(1000);
  });

  it('logs a full buffer once a minute at most, and shows when it last dropped and its bound in status', async () => {
    const dir = await tempDir();
    const lines: { level: string; msg: string; dropped?: number; droppedTotal?: number }[] = [];
    const config = gatewayConfigSchema.parse({
      gateway: { id: 'gw-1', tenantId: 't-1', siteId: 's-1' },
      buffer: { dir: `${dir}/buffer`, maxBytes: 16_384, whenFull: 'drop-oldest' },
      devices: [],
    });
    const gateway = await Gateway.start({
      config,
      baseDir: dir,
      log: createLogger({ write: (line) => lines.push(JSON.parse(line)) }),
    });
    onTestFinished(() => gateway.stop());

    for (let i = 0; i < 40; i += 1) {
      gateway.buffer.append(points(50, i * 50));
      gateway.buffer.flush();
    }
    const status = gatewayStatusSchema.parse(gateway.status());

    const warnings = lines.filter((l) => l.msg === 'buffer full: points dropped');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', dropped: expect.any(Number) });
    if (status.state !== 'online' || !status.buffer) throw new Error('no buffer in status');
    expect(status.buffer.droppedPoints).toBeGreaterThan(warnings[0]?.dropped ?? 0);
    expect(status.buffer.maxBytes).toBe(16_384);
    expect(status.buffer.lastDroppedTs).toBeGreaterThan(Date.now() - 60_000);
  });
});
