// The PDF's data table: one value per bucket and tag, a few tags per table, and per day when
// hourly rows would be too many.
import { bucketLabel, type ReportBucket, type ReportData, type ReportDevice } from './data.ts';
import { COLORS, CONTENT_WIDTH, type Doc, drawTable, formatNumber, heading } from './pdf-layout.ts';
import { zoneAbbreviation } from './zone.ts';

/** Rows per device in the PDF data table; longer periods are shown per day there (XLSX/CSV keep every bucket). */
export const MAX_PDF_TABLE_ROWS = 400;
/** Tag columns per data table: more would not fit the page width. */
const TAGS_PER_TABLE = 5;

/** Buckets shown in the PDF table: the report's own, or days when that would be too many rows. */
function tableBuckets(
  data: ReportData,
  device: ReportDevice,
): { bucket: 'hour' | 'day'; rows: Map<number, Map<string, number | null>> } {
  const rowCount = new Set(device.tags.flatMap((tag) => tag.buckets.map((b) => b.ts))).size;
  const bucket = data.bucket === 'hour' && rowCount > MAX_PDF_TABLE_ROWS ? 'day' : data.bucket;
  const metric = data.metrics.includes('avg') ? 'avg' : (data.metrics[0] ?? 'avg');
  const rows = new Map<number, Map<string, number | null>>();
  for (const tag of device.tags) {
    if (bucket === data.bucket) {
      for (const b of tag.buckets) {
        const value = b[metric];
        const row = rows.get(b.ts) ?? new Map<string, number | null>();
        rows.set(b.ts, row);
        row.set(tag.id, typeof value === 'number' ? value : null);
      }
    } else {
      // hourly to daily, as the summary does it: weighted averages, extremes, sums of differences
      const days = new Map<number, ReportBucket[]>();
      for (const b of tag.buckets) {
        const day = Date.parse(`${bucketLabel(b.ts, 'day', data.timeZone)}T00:00:00Z`);
        const list = days.get(day);
        if (list) list.push(b);
        else days.set(day, [b]);
      }
      for (const [day, list] of days) {
        let value: number | null = null;
        const nums = list.map((b) => b[metric]).filter((v): v is number => typeof v === 'number');
        if (nums.length > 0) {
          if (metric === 'avg') {
            const weight = list.reduce((s, b) => s + (typeof b.avg === 'number' ? b.count : 0), 0);
            value =
              list.reduce((s, b) => s + (typeof b.avg === 'number' ? b.avg * b.count : 0), 0) / (weight || 1);
          } else if (metric === 'min') value = Math.min(...nums);
          else if (metric === 'max') value = Math.max(...nums);
          else if (metric === 'difference') value = nums.reduce((a, b) => a + b, 0);
          else value = nums[nums.length - 1] ?? null;
        }
        const row = rows.get(day) ?? new Map<string, number | null>();
        rows.set(day, row);
        row.set(tag.id, value);
      }
    }
  }
  return { bucket, rows };
}

export function tableSection(doc: Doc, data: ReportData): void {
  heading(doc, 'Data');
  const metric = data.metrics.includes('avg') ? 'avg' : (data.metrics[0] ?? 'avg');
  for (const device of data.devices) {
    const { bucket, rows } = tableBuckets(data, device);
    const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]);
    for (let start = 0; start < device.tags.length; start += TAGS_PER_TABLE) {
      const tags = device.tags.slice(start, start + TAGS_PER_TABLE);
      const title = `${device.name}: ${metric} per ${bucket}`;
      heading(doc, title, 10);
      if (bucket !== data.bucket) {
        doc
          .font('Helvetica-Oblique')
          .fontSize(8)
          .fillColor(COLORS.muted)
          .text(
            `Shown per day to keep the table readable; the XLSX and CSV files have every ${data.bucket}.`,
          );
        doc.moveDown(0.3);
      }
      const timeWidth = 90;
      const tagWidth = (CONTENT_WIDTH - timeWidth) / TAGS_PER_TABLE;
      drawTable(
        doc,
        [
          {
            header: `${bucket === 'day' ? 'Day' : 'Hour'} (${zoneAbbreviation(data.period.from, data.timeZone)})`,
            width: timeWidth,
          },
          ...tags.map((tag) => ({
            header: `${tag.name}${tag.unit ? ` (${tag.unit})` : ''}`,
            width: tagWidth,
            align: 'right' as const,
          })),
        ],
        sorted.map(([ts, values]) => [
          bucket === data.bucket
            ? bucketLabel(ts, bucket, data.timeZone)
            : new Date(ts).toISOString().slice(0, 10),
          ...tags.map((tag) => formatNumber(values.get(tag.id) ?? null)),
        ]),
        title,
      );
    }
  }
}
