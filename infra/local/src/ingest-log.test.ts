// The ingest log (ADR 0058) on real files: acknowledged once on disk, applied behind in batches,
// retried until applied, bounded, and nothing acknowledged lost across a close, a torn write or a
// kill -9 of the process holding it.
import { spawn } from 'node:child_process';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingTelemetry, IngestOutcome } from '@plantwatch/functions/ingest/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApplyBatch, type IngestLog, openIngestLog } from './ingest-log.ts';
import { decodeRecords, encodeRecord } from './ingest-log-segments.ts';
import { until } from './testing/harness.ts';

const dirs: string[] = [];
const logs: IngestLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close(100).catch(() => undefined);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function newDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-ingest-log-test-'));
  dirs.push(dir);
  return dir;
}

const message = (index: number, bytes = 0): IncomingTelemetry => ({
  topic: `dt/tenant/site/gw-${index % 3}/telemetry`,
  payload: Buffer.from(JSON.stringify({ seq: index, pad: 'x'.repeat(bytes) })),
  receivedAt: 1_700_000_000_000 + index,
});
const seqOf = (m: IncomingTelemetry) => JSON.parse(m.payload.toString('utf8')).seq as number;
const stored: IngestOutcome = { status: 'stored', written: 1, duplicates: 0 };

/** An apply that records every message it is given, each batch's size, and succeeds. */
function recorder() {
  const seen: IncomingTelemetry[] = [];
  const batches: number[] = [];
  const apply: ApplyBatch = async (messages) => {
    batches.push(messages.length);
    seen.push(...messages);
    return messages.map(() => ({ status: 'fulfilled', value: stored }) as const);
  };
  return { seen, batches, apply };
}

async function open(dir: string, apply: ApplyBatch, more: Partial<Parameters<typeof openIngestLog>[0]> = {}) {
  const log = await openIngestLog({ dir, apply, checkpointMs: 20, retryDelayMs: 20, ...more });
  logs.push(log);
  return log;
}

describe('the ingest log', () => {
  it('round-trips a record and stops at a torn or damaged one', () => {
    const records = [message(1), message(2), message(3)].map(encodeRecord);
    const [one, two] = records.map((record) => record.length) as [number, number, number];
    const whole = Buffer.concat(records);
    expect(decodeRecords(whole).messages).toEqual([message(1), message(2), message(3)]);
    const torn = whole.subarray(0, whole.length - 5);
    expect(decodeRecords(torn)).toMatchObject({ validBytes: one + two });
    const damaged = Buffer.from(whole);
    damaged.writeUInt8(damaged.readUInt8(one + 12) ^ 0xff, one + 12); // a byte of the second record's body
    expect(decodeRecords(damaged).messages.map(seqOf)).toEqual([1]);
  });

  it('acknowledges once on disk, then applies everything in order, in batches', async () => {
    const dir = await newDir();
    const { seen, batches, apply } = recorder();
    const log = await open(dir, apply);
    await Promise.all(Array.from({ length: 500 }, (_, i) => log.submit(message(i))));
    // Acknowledged: every record is in the segment on disk, whole.
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    const onDisk = decodeRecords(await readFile(join(dir, segments[0] ?? ''))).messages;
    expect(onDisk.map(seqOf)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await log.applied();
    expect(seen.map(seqOf)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(seen[7]).toEqual(message(7));
    expect(batches.length).toBeLessThan(500); // not one apply per message
    expect(log.status()).toMatchObject({ pending: 0, failing: 0, applied: 500, recovered: 0 });
    expect(await log.health()).toMatchObject({ name: 'ingest-log', status: 'ok' });
  });

  it('gathers what arrives within gatherMs into one batch, and applies 256 kB at once without waiting', async () => {
    const dir = await newDir();
    const { seen, batches, apply } = recorder();
    const log = await open(dir, apply, { gatherMs: 2_000 });
    for (let i = 0; i < 3; i++) await log.submit(message(i));
    await log.applied();
    expect(batches).toEqual([3]);

    const patient = await open(await newDir(), apply, { gatherMs: 600_000 });
    await patient.submit(message(9, 300_000));
    await patient.applied(); // not ten minutes: the test would time out
    expect(seen.map(seqOf)).toEqual([0, 1, 2, 9]);
  });

  it('tries a message that cannot be applied again until it is, degraded meanwhile, without holding the others', async () => {
    const dir = await newDir();
    let refuse = true;
    const applied: number[] = [];
    let attempts = 0;
    const log = await open(dir, async (messages) =>
      messages.map((m) => {
        if (seqOf(m) === 3 && refuse) {
          attempts += 1;
          return { status: 'rejected', reason: new Error('the telemetry store is closed') } as const;
        }
        applied.push(seqOf(m));
        return { status: 'fulfilled', value: stored } as const;
      }),
    );
    for (let i = 0; i < 6; i++) await log.submit(message(i));
    await until('the others applied', async () => (applied.length === 5 ? true : undefined), 5_000, 10);
    await until(
      'three attempts at the refused one',
      async () => (attempts >= 3 ? true : undefined),
      5_000,
      10,
    );
    expect(applied).toEqual([0, 1, 2, 4, 5]);
    expect(log.status()).toMatchObject({
      pending: 1,
      failing: 1,
      lastError: 'the telemetry store is closed',
    });
    const health = await log.health();
    expect(health.status).toBe('degraded');
    expect(health.detail).toContain('1 acknowledged message(s) could not be stored yet');
    refuse = false;
    await log.applied();
    expect(applied).toEqual([0, 1, 2, 4, 5, 3]);
    expect(log.status()).toMatchObject({ pending: 0, failing: 0 });
    expect((await log.health()).status).toBe('ok');
  });

  it('holds acknowledgements back once maxPendingBytes wait to be applied', async () => {
    const dir = await newDir();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { seen, apply } = recorder();
    const log = await open(
      dir,
      async (messages) => {
        await gate;
        return apply(messages);
      },
      { maxPendingBytes: 10_000 },
    );
    const acked: number[] = [];
    const submits = Array.from({ length: 40 }, (_, i) =>
      log.submit(message(i, 900)).then(() => acked.push(i)),
    );
    await until('the first acknowledgements', async () => (acked.length > 0 ? true : undefined), 5_000, 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // ~1 kB each: about ten fit under the bound; the rest wait for room, not acknowledged.
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.length).toBeLessThanOrEqual(10);
    expect(log.status().pendingBytes).toBeLessThanOrEqual(10_000);
    release();
    await Promise.all(submits);
    await log.applied();
    expect(seen.map(seqOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('applies at the next start what it had acknowledged and not applied, and nothing applied twice after a clean close', async () => {
    const dir = await newDir();
    const first = await open(dir, () => new Promise(() => {}));
    for (let i = 0; i < 20; i++) await first.submit(message(i));
    await first.close(50);

    const { seen, apply } = recorder();
    const second = await open(dir, apply);
    await second.applied();
    expect(second.status().recovered).toBe(20);
    expect(seen.map(seqOf)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 20; i < 25; i++) await second.submit(message(i));
    await second.applied();
    await second.close();

    const after = recorder();
    const third = await open(dir, after.apply);
    await third.applied();
    expect(third.status().recovered).toBe(0);
    expect(after.seen).toEqual([]);
  });

  it('cuts off a record torn by a crash at the end of the last segment and keeps the whole ones', async () => {
    const dir = await newDir();
    const first = await open(dir, () => new Promise(() => {}));
    for (let i = 0; i < 3; i++) await first.submit(message(i));
    await first.close(50);
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    const path = join(dir, segment ?? '');
    const whole = (await stat(path)).size;
    await appendFile(path, encodeRecord(message(3)).subarray(0, 20));

    const { seen, apply } = recorder();
    const second = await open(dir, apply);
    await second.applied();
    expect(seen.map(seqOf)).toEqual([0, 1, 2]);
    expect((await stat(path)).size).toBe(whole);
  });

  it("says in its health check when a record before a segment's end was damaged on disk", async () => {
    const dir = await newDir();
    const first = await open(dir, () => new Promise(() => {}), { segmentBytes: 200 });
    for (let i = 0; i < 4; i++) await first.submit(message(i, 100));
    await first.close(50);
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
    expect(segments.length).toBeGreaterThan(1);
    const damaged = join(dir, segments[0] ?? '');
    const bytes = await readFile(damaged);
    bytes.writeUInt8(bytes.readUInt8(20) ^ 0xff, 20); // inside the first record's body
    await writeFile(damaged, bytes);

    const { seen, apply } = recorder();
    const second = await open(dir, apply);
    await second.applied();
    expect(seen.map(seqOf)).not.toContain(0);
    expect(second.status().damagedBytes).toBeGreaterThan(0);
    const health = await second.health();
    expect(health).toMatchObject({ status: 'degraded' });
    expect(health.detail).toContain('damaged on disk');
  });

  it('acknowledges nothing it could not write, and says so in its health check', async () => {
    const dir = await newDir();
    // The first segment's name leads to /dev/full: every write fails with ENOSPC.
    await symlink('/dev/full', join(dir, `${'0'.repeat(20)}.log`));
    const { seen, apply } = recorder();
    const log = await open(dir, apply);
    await expect(log.submit(message(1))).rejects.toThrow(/the ingest log could not be written: .*ENOSPC/);
    const health = await log.health();
    expect(health.status).toBe('degraded');
    expect(health.detail).toContain('telemetry is not being acknowledged');
    expect(log.status()).toMatchObject({ pending: 0, pendingBytes: 0 });
    await log.applied();
    expect(seen).toEqual([]);
  });

  it('says in its health check when it cannot record how far it has applied', async () => {
    const dir = await newDir();
    // A folder where the checkpoint's temporary file goes: writing it fails (EISDIR).
    await mkdir(join(dir, 'applied.tmp'));
    const { apply } = recorder();
    const log = await open(dir, apply);
    await log.submit(message(1));
    await log.applied();
    const degraded = await until(
      'the checkpoint failing',
      async () => {
        const health = await log.health();
        return health.status === 'degraded' ? health : undefined;
      },
      5_000,
      20,
    );
    expect(degraded.detail).toContain('applied segments cannot be recorded or deleted');
    await rm(join(dir, 'applied.tmp'), { recursive: true });
    const healthy = await until(
      'the checkpoint written again',
      async () => {
        const health = await log.health();
        return health.status === 'ok' ? health : undefined;
      },
      5_000,
      20,
    );
    expect(healthy.detail).toContain('everything acknowledged is stored');
    expect(Number((await readFile(join(dir, 'applied'), 'utf8')).trim())).toBe(1);
  });

  it('rotates segments and deletes the applied ones', async () => {
    const dir = await newDir();
    const { seen, apply } = recorder();
    const log = await open(dir, apply, { segmentBytes: 4_000 });
    for (let i = 0; i < 30; i++) await log.submit(message(i, 500));
    await log.applied();
    await until(
      'the applied segments deleted',
      async () => {
        const segments = (await readdir(dir)).filter((name) => name.endsWith('.log'));
        return segments.length === 1 ? segments : undefined;
      },
      5_000,
      20,
    );
    expect(seen).toHaveLength(30);
    expect(Number((await readFile(join(dir, 'applied'), 'utf8')).trim())).toBe(30);
  });

  it('loses nothing it acknowledged when its process is killed with SIGKILL', {
    timeout: 60_000,
  }, async () => {
    const dir = await newDir();
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./testing/ingest-log-process.ts', import.meta.url))],
      {
        env: { ...process.env, INGEST_LOG_DIR: dir, INGEST_LOG_MESSAGES: '300' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked = new Set<number>();
    let all = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const index = /^acked (\d+)$/.exec(line)?.[1];
        if (index !== undefined) acked.add(Number(index));
        if (line === 'all acked') all = true;
      }
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await until('every acknowledgement', async () => (all ? true : undefined), 30_000, 20);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { seen, apply } = recorder();
    const log = await open(dir, apply);
    await log.applied();
    expect(acked.size).toBe(300);
    expect(seen.map(seqOf)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(log.status().recovered).toBe(300);
  });
});
