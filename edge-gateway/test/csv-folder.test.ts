// The CSV folder driver on real files in a temporary folder: column mapping, time formats and zones,
// files still being written, once-only ingestion (the same file again, a restart), failed files with
// their reason, bad rows counted, retention of done files.
import { appendFile, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CsvFolderConfigDevice,
  csvFolderConfigDeviceSchema,
  type TelemetryPoint,
} from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CsvFolderDriver } from '../src/csv-folder/driver.ts';
import { parseTime } from '../src/csv-folder/parse.ts';
import { silentLogger } from '../src/log.ts';
import { tempDir } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

function device(folder: string, extra: Record<string, unknown> = {}): CsvFolderConfigDevice {
  return csvFolderConfigDeviceSchema.parse({
    id: 'logger-1',
    protocol: 'csv-folder',
    folder,
    delimiter: ';',
    decimal: ',',
    timeColumn: 'Zeit',
    timeFormat: 'DD.MM.YYYY HH:mm:ss',
    timeZone: 'Europe/Berlin',
    settleMs: 300,
    scanMs: 200,
    tags: [
      { id: 'flow', column: 'Durchfluss', unit: 'L/s' },
      { id: 'level', column: 'Pegel', scale: 0.01, unit: 'm' },
      { id: 'pump', column: 'Pumpe' },
    ],
    ...extra,
  });
}

function run(config: CsvFolderConfigDevice) {
  const points: TelemetryPoint[] = [];
  const driver = new CsvFolderDriver(config, silentLogger);
  onTestFinished(() => driver.stop());
  driver.start((batch) => points.push(...batch));
  return { driver, points };
}

const header = 'Zeit;Durchfluss;Pegel;Pumpe\n';

describe('CSV folder driver', () => {
  it('maps columns, reads times in the device zone, and moves the file to done/', async () => {
    const dir = await tempDir();
    const { driver, points } = run(device(dir));
    await writeFile(
      join(dir, 'day-1.csv'),
      `${header}01.07.2026 08:00:00;12,5;250;on\n01.07.2026 08:01:00;1.234,75;260;off\n`,
    );
    await waitFor('the file done', () => driver.filesDone === 1);
    expect(points).toEqual([
      { d: 'logger-1', t: 'flow', ts: Date.UTC(2026, 6, 1, 6, 0), v: 12.5, q: 'good' },
      { d: 'logger-1', t: 'level', ts: Date.UTC(2026, 6, 1, 6, 0), v: 2.5, q: 'good' },
      { d: 'logger-1', t: 'pump', ts: Date.UTC(2026, 6, 1, 6, 0), v: true, q: 'good' },
      { d: 'logger-1', t: 'flow', ts: Date.UTC(2026, 6, 1, 6, 1), v: 1234.75, q: 'good' },
      { d: 'logger-1', t: 'level', ts: Date.UTC(2026, 6, 1, 6, 1), v: 2.6, q: 'good' },
      { d: 'logger-1', t: 'pump', ts: Date.UTC(2026, 6, 1, 6, 1), v: false, q: 'good' },
    ]);
    expect(await readdir(join(dir, 'done'))).toEqual(['day-1.csv']);
    expect(driver.health()).toMatchObject({ connected: true });
  });

  it('waits for a file still being written, and ingests every file once, also the same file again', async () => {
    const dir = await tempDir();
    const { driver, points } = run(device(dir, { settleMs: 800 }));
    const file = join(dir, 'growing.csv');
    await writeFile(file, header);
    for (let i = 0; i < 4; i++) {
      await appendFile(file, `01.07.2026 09:0${i}:00;${i};100;on\n`);
      await delay(300);
    }
    await waitFor('the file done', () => driver.filesDone === 1, 10_000);
    expect(points.filter((p) => p.t === 'flow').map((p) => p.v)).toEqual([0, 1, 2, 3]);

    // The logger (or a person) drops the same content again under another name.
    const again = await readFile(join(dir, 'done', 'growing.csv'));
    await writeFile(join(dir, 'copy.csv'), again);
    await waitFor('the copy done', () => driver.filesDone === 2, 10_000);
    expect(points.filter((p) => p.t === 'flow')).toHaveLength(4);
    expect((await readdir(join(dir, 'done'))).sort()).toEqual(['copy.csv', 'growing.csv']);
  });

  it('resumes a file where a crash left it, sending no recorded row twice', async () => {
    const dir = await tempDir();
    const rows = Array.from({ length: 1200 }, (_, i) => `01.07.2026 10:00:00;${i};1;off`).join('\n');
    const content = `${header}${rows}\n`;
    // What a crash after the first batch of 500 rows leaves: the ledger, the file not moved.
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(content).digest('hex');
    await mkdir(join(dir, '.plantwatch'));
    await writeFile(
      join(dir, '.plantwatch', 'ledger.jsonl'),
      `${JSON.stringify({ hash, rows: 500 })}\n{"hash":"cut sh`,
    );
    await writeFile(join(dir, 'big.csv'), content);
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, 'big.csv'), old, old);
    const { driver, points } = run(device(dir));
    await waitFor('the file done', () => driver.filesDone === 1, 10_000);
    const flows = points.filter((p) => p.t === 'flow').map((p) => p.v);
    expect(flows).toHaveLength(700);
    expect(flows[0]).toBe(500);
  });

  it('moves a file it cannot use to failed/ with the reason, counts bad rows, and goes on with the next', async () => {
    const dir = await tempDir();
    const { driver, points } = run(device(dir));
    await writeFile(join(dir, 'a-wrong.csv'), 'Time;Flow\n2026-07-01;1\n');
    await writeFile(
      join(dir, 'b-partly.csv'),
      `${header}01.07.2026 11:00:00;abc;1;on\n31.02.2026 11:00:00;1;1;on\n01.07.2026 11:02:00;7;1;on;extra\n01.07.2026 11:03:00;8;1;on\n`,
    );
    await waitFor('both files handled', () => driver.filesDone === 1 && driver.filesFailed === 1, 10_000);
    expect(await readdir(join(dir, 'failed'))).toEqual(['a-wrong.csv', 'a-wrong.csv.reason.txt']);
    expect(await readFile(join(dir, 'failed', 'a-wrong.csv.reason.txt'), 'utf8')).toMatch(
      /^no time column "Zeit" in the header \(Time, Flow\)/,
    );
    const errors = await readFile(join(dir, 'done', 'b-partly.csv.errors.txt'), 'utf8');
    expect(errors).toBe(
      'line 2: column Durchfluss: "abc" is not a number\nline 3: time "31.02.2026 11:00:00" is not a real date and time\nline 4: 5 cells where the header has 4\n',
    );
    expect(points.filter((p) => p.t === 'flow').map((p) => p.v)).toEqual([8]);
    expect(driver.health().malformed).toMatchObject({ count: 4 });
  });

  it('deletes done files older than keepDoneDays, keeps younger ones, and says when the folder is missing', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'done'));
    await writeFile(join(dir, 'done', 'old.csv'), header);
    await writeFile(join(dir, 'done', 'young.csv'), header);
    const old = new Date(Date.now() - 3 * 86_400_000);
    await utimes(join(dir, 'done', 'old.csv'), old, old);
    const { driver } = run(device(dir, { keepDoneDays: 2 }));
    await waitFor('the old file gone', async () => !(await readdir(join(dir, 'done'))).includes('old.csv'));
    expect(await stat(join(dir, 'done', 'young.csv'))).toBeTruthy();
    expect(driver.health().connected).toBe(true);

    const missing = run(device(join(dir, 'nowhere')));
    await waitFor('the error', () => missing.driver.health().lastError);
    expect(missing.driver.health().lastError).toMatch(/nowhere: no such file or folder/);
  });

  it('reads times as ISO 8601 with or without a zone, and as epochs', () => {
    expect(parseTime('2026-01-15T10:00:00', 'iso', 'America/Chicago')).toBe(Date.UTC(2026, 0, 15, 16));
    expect(parseTime('2026-01-15 10:00:00.5+01:00', 'iso', 'America/Chicago')).toBe(
      Date.UTC(2026, 0, 15, 9, 0, 0, 500),
    );
    expect(parseTime('1767225600', 'epoch-s', 'UTC')).toBe(1_767_225_600_000);
    expect(parseTime('1767225600', 'epoch-ms', 'UTC')).toBe('time "1767225600" is not between 2000 and 2100');
    expect(parseTime('15/01/2026 10:00', 'DD/MM/YYYY HH:mm', 'UTC')).toBe(Date.UTC(2026, 0, 15, 10));
  });
});
