// The report section `alarmKpis` (ADR 0049): each figure judged against its ISA-18.2 target in the
// PDF's text and in the XLSX sheet, from a KPI answer worked out by hand.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ALARM_KPI_TARGETS, type AlarmKpis } from '@plantwatch/shared';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmKpiRows } from './alarm-kpis-render.ts';
import { renderPdf } from './pdf.ts';
import { reportFixture } from './testing/fixture.ts';
import { renderXlsx } from './xlsx.ts';

const run = promisify(execFile);
const site = '00000000-0000-7000-8000-0000000000a1';
const ref = (n: number, name: string) => ({
  alarmId: `00000000-0000-7000-8000-00000000000${n}`,
  ruleId: `00000000-0000-7000-8000-00000000010${n}`,
  siteId: site,
  key: 'alarm',
  name,
});
// 1 008 intervals in 7 days; 1 512 raises: 1.5 per 10 minutes (manageable), peak 14, 3 floods (0.3 %)
const kpis: AlarmKpis = {
  from: '2026-11-30T00:00:00.000Z',
  to: '2026-12-07T00:00:00.000Z',
  siteId: null,
  intervals: 1008,
  total: {
    raises: 1512,
    averagePer10Min: 1.5,
    peakPer10Min: 14,
    peakAt: '2026-12-02T08:10:00.000Z',
    floodIntervals: 3,
    floodPercent: 0.3,
  },
  sites: [
    {
      siteId: site,
      name: 'North works',
      ...{
        raises: 1512,
        averagePer10Min: 1.5,
        peakPer10Min: 14,
        peakAt: null,
        floodIntervals: 3,
        floodPercent: 0.3,
      },
    },
  ],
  topAlarms: [{ ...ref(1, 'Wet well level Hi'), raises: 60, percentOfRaises: 3.97 }],
  topTenPercent: 3.97,
  chattering: [],
  stale: [{ ...ref(2, 'Inlet screen fault'), activeSince: '2026-12-05T00:00:00.000Z', hours: 48 }],
  acknowledge: { raises: 1512, acknowledged: 1400, medianSeconds: 45, p90Seconds: 300 },
  targets: { ...ALARM_KPI_TARGETS },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plantwatch-kpi-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the alarmKpis report section', () => {
  it.each([
    ['Alarms per 10 minutes (average)', '1.5', 'manageable'],
    ['Most alarms in one 10 minutes', '14', 'over target'],
    ['Time in flood (> 10 alarms in 10 minutes)', '0.3 % (3 intervals)', 'meets target'],
    ['Share of alarms from the 10 most frequent', '3.97 %', 'meets target'],
    ['Chattering alarms', '0', 'meets target'],
    ['Stale alarms (active > 24 h)', '1', 'over target'],
    ['Time to acknowledge (median, p90)', '45 s, 300 s (1400 of 1512)', ''],
  ])('judges %s: %s, %s', (measure, value, verdict) => {
    const row = alarmKpiRows(kpis).find(([name]) => name === measure);
    expect(row?.[1]).toBe(value);
    expect(row?.[3]).toBe(verdict);
  });

  it('has a page in the PDF with the figures, the sites and the stale alarm', async () => {
    const data = { ...reportFixture({ bucket: 'day', days: 7 }), alarmKpis: kpis };
    data.sections = ['summary', 'alarmKpis'];
    const file = join(dir, 'kpis.pdf');
    await writeFile(file, await renderPdf(data));
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    const page = stdout.split('\f').find((text) => text.includes('Alarm-system KPIs (ISA-18.2)')) ?? '';
    expect(page).toMatch(/Most alarms in one 10 minutes\s+14\s+at most 10\s+over target/);
    expect(page).toContain('North works');
    expect(page).toMatch(/Inlet screen fault\s+active 48 h/);
  });

  it('has a sheet in the workbook with the figures and their targets', async () => {
    const data = { ...reportFixture({ bucket: 'day', days: 7 }), alarmKpis: kpis };
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(data)) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    const sheet = workbook.getWorksheet('Alarm KPIs');
    expect(sheet?.getRow(1).values).toEqual([undefined, 'Measure', 'Value', 'ISA-18.2 target', 'Judgement']);
    expect(sheet?.getRow(2).values).toEqual([
      undefined,
      'Alarms per 10 minutes (average)',
      '1.5',
      'at most 1 acceptable, 2 manageable',
      'manageable',
    ]);
    const names = (sheet?.getColumn(1).values ?? []).filter((value) => typeof value === 'string');
    expect(names).toContain('North works');
    expect(names).toContain('Inlet screen fault');
  });
});
