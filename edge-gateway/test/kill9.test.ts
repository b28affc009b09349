// kill -9 with a backlog: the buffer file is intact, and after a restart every stored batch goes
// out with its seq; nothing the broker had acknowledged is lost, and (killed during a drain) nothing
// it had acknowledged is sent again.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { Collector } from './support/collector.ts';
import { PrivateBroker } from './support/mosquitto.ts';
import { topicIds } from './support/plant.ts';
import { startCli } from './support/process.ts';
import { tempDir, uniqueId } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

describe('kill -9', () => {
  it('loses no acknowledged point and replays the whole backlog after a restart', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    let tick = 0;
    const mover = setInterval(() => {
      tick += 1;
      for (let i = 0; i < 50; i += 1) sim.holding[i] = (tick * 7 + i) & 0xffff;
    }, 50);
    onTestFinished(() => clearInterval(mover));
    const config = {
      gateway: { id: uniqueId('gw'), tenantId: uniqueId('t'), siteId: uniqueId('s') },
      // One batch per disk write (no packing), so a gap in seq would mean a lost batch (checked below).
      mqtt: { url: broker.url, publishIntervalMs: 0 },
      buffer: { dir: join(dir, 'buffer'), maxBytes: 64 * 1024 * 1024, whenFull: 'drop-oldest' },
      devices: [
        {
          id: 'plc-1',
          protocol: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.port,
          pollMs: 100,
          tags: Array.from({ length: 50 }, (_, t) => ({
            id: `r${t}`,
            area: 'holding',
            address: t,
            type: 'uint16',
          })),
        },
      ],
    };
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify(config));
    const collector = await Collector.start(broker.url, topicIds(config), {
      clientId: uniqueId('c'),
      clean: false,
    });

    const first = startCli(['run', '--config', file]);
    await waitFor('acknowledged telemetry', () => collector.batches.size >= 5, 20_000);
    await broker.stop();
    const acknowledgedBefore = new Set(collector.batches.keys());
    await delay(3000);
    first.child.kill('SIGKILL');
    await first.exited;

    const db = new DatabaseSync(join(dir, 'buffer', 'buffer.sqlite'));
    const integrity = db.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
    const backlog = (db.prepare('SELECT seq FROM batch ORDER BY seq').all() as { seq: number }[]).map(
      (r) => r.seq,
    );
    db.close();
    expect(integrity.integrity_check).toBe('ok');
    expect(backlog.length).toBeGreaterThan(10);

    await broker.resume();
    const second = startCli(['run', '--config', file]);
    const lastBacklogSeq = backlog.at(-1) ?? 0;
    await waitFor(
      'the backlog and new telemetry',
      () =>
        backlog.every((seq) => collector.batches.has(seq)) &&
        [...collector.batches.keys()].some((s) => s > lastBacklogSeq),
      30_000,
      100,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const seqs = [...collector.batches.keys()].sort((a, b) => a - b);
    for (const seq of acknowledgedBefore) expect(collector.batches.has(seq)).toBe(true);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // no gap: nothing lost
    expect(collector.changedReplays).toBe(0);
    const identities = collector.points().map((p) => `${p.d}/${p.t}/${p.ts}`);
    expect(new Set(identities).size).toBe(identities.length);
  }, 90_000);

  it('re-sends nothing the broker had acknowledged when killed during a drain', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    let tick = 0;
    const mover = setInterval(() => {
      tick += 1;
      for (let i = 0; i < 20; i += 1) sim.holding[i] = (tick * 3 + i) & 0xffff;
    }, 50);
    onTestFinished(() => clearInterval(mover));
    const gatewayId = uniqueId('gw');
    const config = (maxPublishesPerSecond: number) => ({
      gateway: { id: gatewayId, tenantId: 't-kill9', siteId: 's-kill9' },
      mqtt: { url: broker.url, maxPublishesPerSecond },
      buffer: { dir: join(dir, 'buffer'), maxBytes: 64 * 1024 * 1024, whenFull: 'drop-oldest' },
      devices: [
        {
          id: 'plc-1',
          protocol: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.port,
          pollMs: 100,
          tags: Array.from({ length: 20 }, (_, t) => ({
            id: `r${t}`,
            area: 'holding',
            address: t,
            type: 'uint16',
          })),
        },
      ],
    });
    const file = join(dir, 'config.json');
    const collector = await Collector.start(broker.url, topicIds(config(1)), {
      clientId: uniqueId('c'),
      clean: false,
    });

    // A backlog: the gateway polls for 3 s with the broker away.
    await broker.stop();
    await writeFile(file, JSON.stringify(config(50)));
    const filling = startCli(['run', '--config', file]);
    await delay(3000);
    filling.child.kill('SIGTERM');
    expect(await filling.exited).toBe(0);
    await broker.resume();

    // One publish a second: each is acknowledged long before the next one goes.
    await writeFile(file, JSON.stringify(config(1)));
    const draining = startCli(['run', '--config', file]);
    await waitFor('three drained batches', () => collector.batches.size >= 3, 20_000, 10);
    const arrivedBeforeKill = new Set(collector.arrivals.map((a) => a.seq));
    // Acknowledged a moment ago (the old buffer deleted acknowledged batches up to 100 ms later);
    // the next publish is ~900 ms away.
    await delay(50);
    draining.child.kill('SIGKILL');
    await draining.exited;
    const killedAt = collector.arrivals.length;

    await writeFile(file, JSON.stringify(config(50)));
    const resumed = startCli(['run', '--config', file]);
    await waitFor(
      'the rest of the backlog',
      () => collector.batches.size > arrivedBeforeKill.size + 5,
      20_000,
      50,
    );
    resumed.child.kill('SIGTERM');
    expect(await resumed.exited).toBe(0);

    const afterKill = collector.arrivals.slice(killedAt).map((a) => a.seq);
    expect(afterKill.filter((seq) => arrivedBeforeKill.has(seq))).toEqual([]); // nothing acknowledged again
    const seqs = [...collector.batches.keys()].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // nothing lost
    expect(collector.arrivals.length).toBe(collector.batches.size); // nothing twice
  }, 60_000);
});
