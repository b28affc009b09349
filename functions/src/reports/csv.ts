// The CSV format: one row per bucket and tag; the columns are documented in docs/reports.md.
import type { ReportData } from './data.ts';
import { formatLocal } from './zone.ts';

export const csvColumns = [
  'bucket_start_utc',
  'bucket_start_local',
  'site',
  'device',
  'tag',
  'tag_id',
  'unit',
  'avg',
  'min',
  'max',
  'last',
  'difference',
  'samples',
] as const;

/** RFC 4180 quoting, and a leading quote for text a spreadsheet would run as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(data: ReportData): Buffer {
  const lines = [csvColumns.join(',')];
  for (const device of data.devices) {
    for (const tag of device.tags) {
      for (const bucket of tag.buckets) {
        lines.push(
          [
            new Date(bucket.ts).toISOString(),
            formatLocal(bucket.ts, data.timeZone),
            device.siteName,
            device.name,
            tag.name,
            tag.id,
            tag.unit,
            bucket.avg,
            bucket.min,
            bucket.max,
            bucket.last,
            bucket.difference,
            bucket.count,
          ]
            .map(cell)
            .join(','),
        );
      }
    }
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}
