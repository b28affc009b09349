// The XLSX format (exceljs): a summary sheet, one sheet per device with a row per bucket, and the
// alarm summary. Real numbers with number formats, units in the headers, frozen header rows.
// exceljs cannot write charts (it has no chart model), so the workbook has none; the PDF has them.
import ExcelJS from 'exceljs';
import { addAlarmKpiSheet } from './alarm-kpis-render.ts';
import type { ReportBucket, ReportData } from './data.ts';
import { formatLocal, zoneOffsetMs } from './zone.ts';

const metricLabels = { avg: 'avg', min: 'min', max: 'max', last: 'last', difference: 'difference' } as const;
const NUMBER_FORMAT = '#,##0.###';

const withUnit = (label: string, unit: string) => (unit ? `${label} (${unit})` : label);

/** Excel has no time zones: a cell holds the wall-clock time, so shift the instant to the zone's clock. */
const wallClock = (ts: number, timeZone: string) => new Date(ts + zoneOffsetMs(ts, timeZone));

/** Sheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 31) || 'Device';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 27)} (${n})`;
  taken.add(name.toLowerCase());
  return name;
}

function metricValue(bucket: ReportBucket, metric: keyof typeof metricLabels): number | string | null {
  const value = bucket[metric];
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : String(value);
}

function boldHeader(sheet: ExcelJS.Worksheet): void {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
}

export async function renderXlsx(data: ReportData): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Plantwatch';
  workbook.created = new Date(data.generatedAt);
  workbook.title = data.reportName;
  const taken = new Set<string>();

  const summary = workbook.addWorksheet(sheetName('Summary', taken), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  summary.columns = [
    { header: 'Site', key: 'site', width: 18 },
    { header: 'Device', key: 'device', width: 22 },
    { header: 'Tag', key: 'tag', width: 24 },
    { header: 'Unit', key: 'unit', width: 8 },
    ...data.metrics.map((metric) => ({
      header: metricLabels[metric],
      key: metric,
      width: 14,
      style: { numFmt: NUMBER_FORMAT },
    })),
    { header: 'Samples', key: 'samples', width: 10, style: { numFmt: '#,##0' } },
  ];
  for (const device of data.devices) {
    for (const tag of device.tags) {
      summary.addRow({
        site: device.siteName,
        device: device.name,
        tag: tag.name,
        unit: tag.unit,
        ...Object.fromEntries(data.metrics.map((metric) => [metric, metricValue(tag.summary, metric)])),
        samples: tag.summary.count,
      });
    }
  }
  boldHeader(summary);
  // Below the table: what the numbers cover, so a printed sheet is self-explanatory.
  summary.addRow([]);
  summary.addRow(['Report', data.reportName]);
  summary.addRow([
    'Period',
    `${formatLocal(data.period.from, data.timeZone)} to ${formatLocal(data.period.to, data.timeZone)} (${data.timeZone})`,
  ]);

  for (const device of data.devices) {
    const sheet = workbook.addWorksheet(sheetName(device.name, taken), {
      views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }],
    });
    sheet.columns = [
      {
        header: `${data.bucket === 'day' ? 'Day' : 'Hour'} (${data.timeZone})`,
        key: 'ts',
        width: 18,
        style: { numFmt: data.bucket === 'day' ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm' },
      },
      ...device.tags.flatMap((tag) =>
        data.metrics.map((metric) => ({
          header: withUnit(`${tag.name} ${metricLabels[metric]}`, tag.unit),
          key: `${tag.id}:${metric}`,
          width: 16,
          style: { numFmt: NUMBER_FORMAT },
        })),
      ),
    ];
    const rows = new Map<number, Record<string, unknown>>();
    for (const tag of device.tags) {
      for (const bucket of tag.buckets) {
        let row = rows.get(bucket.ts);
        if (!row) {
          row = { ts: wallClock(bucket.ts, data.timeZone) };
          rows.set(bucket.ts, row);
        }
        for (const metric of data.metrics) row[`${tag.id}:${metric}`] = metricValue(bucket, metric);
      }
    }
    sheet.addRows([...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row));
    boldHeader(sheet);
  }

  if (data.alarms) {
    const sheet = workbook.addWorksheet(sheetName('Alarms', taken), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = [
      { header: 'Alarm', key: 'name', width: 28 },
      { header: 'Severity', key: 'severity', width: 10 },
      { header: 'Times active', key: 'count', width: 12, style: { numFmt: '#,##0' } },
      { header: 'Time in alarm (h)', key: 'hours', width: 16, style: { numFmt: '#,##0.00' } },
      { header: 'Mean time to acknowledge (min)', key: 'mtta', width: 18, style: { numFmt: '#,##0.0' } },
    ];
    for (const row of data.alarms.top) {
      sheet.addRow({
        name: row.name,
        severity: row.severity,
        count: row.count,
        hours: row.timeInAlarmMs / 3_600_000,
        mtta: row.meanTimeToAckMs === null ? null : row.meanTimeToAckMs / 60_000,
      });
    }
    boldHeader(sheet);
    sheet.addRow([]);
    for (const [severity, count] of Object.entries(data.alarms.bySeverity)) {
      sheet.addRow({ name: `Raised, ${severity}`, count });
    }
    sheet.addRow({ name: 'Time in alarm, all', hours: data.alarms.timeInAlarmMs / 3_600_000 });
    sheet.addRow({
      name: 'Mean time to acknowledge, all',
      mtta: data.alarms.meanTimeToAckMs === null ? null : data.alarms.meanTimeToAckMs / 60_000,
    });
  }

  if (data.alarmKpis) addAlarmKpiSheet(workbook, sheetName('Alarm KPIs', taken), data.alarmKpis);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
