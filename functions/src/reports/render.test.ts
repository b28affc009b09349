import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvColumns, renderCsv } from './csv.ts';
import { renderPdf } from './pdf.ts';
import { checkLogoImage } from './pdf-logo.ts';
import { reportFixture } from './testing/fixture.ts';
import { solidPng } from './testing/png.ts';
import { renderXlsx } from './xlsx.ts';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plantwatch-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Renders every page to PNG with pdftoppm (poppler) and extracts the text with pdftotext. */
async function readPdf(
  pdf: Buffer,
  name: string,
): Promise<{ pages: number; text: string; pageTexts: string[] }> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  await run('pdftoppm', ['-r', '20', '-png', file, join(dir, name)]);
  const images = (await readdir(dir)).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'));
  const { stdout } = await run('pdftotext', ['-layout', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
  return {
    pages: images.length,
    text: stdout,
    pageTexts: stdout.split('\f').filter((page) => page.trim() !== ''),
  };
}

describe('the PDF', () => {
  it('has a cover, summary, trends, data and alarm pages, numbered, with the period in the report zone', async () => {
    const { pages, text, pageTexts } = await readPdf(
      await renderPdf(reportFixture({ bucket: 'day', days: 7 })),
      'daily',
    );
    expect(pages).toBe(5);
    expect(pageTexts).toHaveLength(5);
    pageTexts.forEach((page, i) => {
      expect(page).toContain(`page ${i + 1} of 5`);
    });
    expect(pageTexts[0]).toContain('Acme Water');
    expect(pageTexts[0]).toContain('Weekly operations');
    // 2026-03-01T23:00Z is midnight on 2 March in Berlin
    expect(pageTexts[0]).toContain('2026-03-02 00:00 CET to 2026-03-09 00:00 CET');
    expect(pageTexts[0]).toContain('Times in Europe/Berlin');
    expect(pageTexts[1]).toMatch(/Inlet flow\s+m³\/h\s+40/);
    expect(pageTexts[2]).toContain('Flue temperature (°C)');
    expect(pageTexts[3]).toContain('2026-03-08');
    expect(pageTexts[4]).toContain('Raised: 4 (critical 1, high 3, medium 0, low 0)');
    expect(pageTexts[4]).toMatch(/Flue temperature Hi\s+high\s+3\s+1 h 30 min\s+4 min/);
    expect(text).not.toContain('NaN');
  });

  it('breaks a long data table across pages and repeats its header on each', async () => {
    const data = reportFixture({ bucket: 'hour', days: 7 });
    data.sections = ['table'];
    data.devices = data.devices.slice(1);
    const { pages, pageTexts } = await readPdf(await renderPdf(data), 'hourly');
    // 168 hourly rows at 15 pt on A4 need 4 pages after the cover
    expect(pages).toBe(5);
    for (const page of pageTexts.slice(2)) {
      expect(page).toContain('(continued)');
      expect(page).toMatch(/Hour \(CET\)\s+Inlet flow \(m³\/h\)\s+Flow total \(m³\)/);
    }
    const allRows =
      pageTexts
        .slice(1)
        .join('\n')
        .match(/^\s*2026-03-\d\d \d\d:00\s/gm) ?? [];
    expect(allRows).toHaveLength(168);
  });
});

/** Page 1 at 72 dpi (one pixel per point) as RGB: the colour at (x, y) points from the top left. */
async function coverPixels(pdf: Buffer, name: string): Promise<(x: number, y: number) => number[]> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  await run('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-singlefile', file, join(dir, name)]);
  const ppm = await readFile(join(dir, `${name}.ppm`));
  // P6 header: "P6\n<width> <height>\n255\n", then RGB triples
  const header = /^P6\s+(\d+)\s+\d+\s+255\s/.exec(ppm.toString('latin1', 0, 32));
  const offset = header?.[0].length ?? 0;
  const w = Number(header?.[1]);
  expect(w).toBeGreaterThan(500);
  return (x, y) => [...ppm.subarray(offset + (y * w + x) * 3, offset + (y * w + x) * 3 + 3)];
}

describe('the PDF cover', () => {
  const data = () => {
    const fixture = reportFixture({ bucket: 'day', days: 1 });
    fixture.sections = ['summary'];
    return fixture;
  };

  it("shows the tenant's logo where the initials mark would be, and the mark without one", async () => {
    // The logo box is 160 × 60 pt at (48, 70); the initials mark a 56 pt square at the same corner.
    const red = solidPng(160, 60, [200, 20, 20]);
    const withLogo = await coverPixels(await renderPdf(data(), { logo: red }), 'cover-logo');
    const without = await coverPixels(await renderPdf(data()), 'cover-initials');
    const near = (actual: number[], expected: number[]) =>
      actual.every((value, i) => Math.abs(value - (expected[i] ?? 0)) <= 12);
    // inside both: the logo's red, or the mark's blue (#1f6feb)
    expect(near(withLogo(60, 80), [200, 20, 20])).toBe(true);
    expect(near(without(60, 80), [0x1f, 0x6f, 0xeb])).toBe(true);
    // right of the mark, inside the logo: red with the logo, white without
    expect(near(withLogo(180, 120), [200, 20, 20])).toBe(true);
    expect(near(without(180, 120), [255, 255, 255])).toBe(true);
  });

  it.each([
    { why: 'a PNG', image: solidPng(3, 2, [0, 0, 0]), ok: true },
    { why: 'a PNG cut short', image: solidPng(40, 40, [9, 9, 9]).subarray(0, 60), ok: false },
    {
      why: 'a JPEG signature on garbage',
      image: Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]),
      ok: false,
    },
  ])('checkLogoImage accepts only images pdfkit can place: $why', ({ image, ok }) => {
    if (ok) expect(checkLogoImage(image)).toEqual({ width: 3, height: 2 });
    else expect(() => checkLogoImage(image)).toThrow(Error);
  });
});

describe('the XLSX', () => {
  it('has a summary sheet, one sheet per device and the alarms, with units, number formats and frozen headers', async () => {
    const workbook = new ExcelJS.Workbook();
    const xlsx = await renderXlsx(reportFixture({ bucket: 'day', days: 7 }));
    // exceljs's types predate Node's generic Buffer
    await workbook.xlsx.load(xlsx as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      'Summary',
      'Boiler house',
      'Pump station 1',
      'Alarms',
    ]);
    const summary = workbook.getWorksheet('Summary');
    expect(summary?.getRow(1).values).toEqual([
      undefined,
      'Site',
      'Device',
      'Tag',
      'Unit',
      'avg',
      'min',
      'max',
      'difference',
      'Samples',
    ]);
    expect(summary?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const totalRow = summary?.getRow(4);
    expect(totalRow?.getCell(3).value).toBe('Flow total');
    expect(totalRow?.getCell(4).value).toBe('m³');
    // 7 days of a flow averaging 40 m³/h: 6720 m³ through the totaliser
    expect(totalRow?.getCell(8).value).toBeCloseTo(6720, 6);
    expect(totalRow?.getCell(8).numFmt).toBe('#,##0.###');
    const pump = workbook.getWorksheet('Pump station 1');
    expect(pump?.getRow(1).getCell(2).value).toBe('Inlet flow avg (m³/h)');
    expect(pump?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(pump?.rowCount).toBe(8);
    const firstDay = pump?.getRow(2);
    expect(firstDay?.getCell(1).value).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(firstDay?.getCell(1).numFmt).toBe('yyyy-mm-dd');
    expect(firstDay?.getCell(2).value).toBeCloseTo(40, 6);
    expect(typeof firstDay?.getCell(2).value).toBe('number');
    const alarms = workbook.getWorksheet('Alarms');
    expect(alarms?.getRow(2).getCell(1).value).toBe('Flue temperature Hi');
    expect(alarms?.getRow(2).getCell(4).value).toBe(1.5);
  });
});

describe('the CSV', () => {
  it('has one row per bucket and tag with the documented columns', () => {
    const text = renderCsv(reportFixture({ bucket: 'hour', days: 2 })).toString('utf8');
    const [header, ...rows] = text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(header).toEqual([...csvColumns]);
    expect(rows).toHaveLength(3 * 48);
    const column = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
    const first = rows.find((row) => row[column('tag')] === 'Inlet flow');
    expect(first?.[column('bucket_start_utc')]).toBe('2026-03-01T23:00:00.000Z');
    expect(first?.[column('bucket_start_local')]).toBe('2026-03-02 00:00');
    expect(first?.[column('unit')]).toBe('m³/h');
    expect(Number(first?.[column('avg')])).toBeCloseTo(40, 9);
    expect(Number(first?.[column('samples')])).toBe(60);
    for (const row of rows) expect(row).toHaveLength(csvColumns.length);
  });
});
