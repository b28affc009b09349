// The PDF format (pdfkit): a cover with the tenant's name and logo and the period in the report's
// zone, summary tables, trend charts drawn as vector paths, a data table whose header repeats on
// every page it runs over, the alarm summary, and "page n of m" on every page.
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import {
  bucketLabel,
  formatDuration,
  type ReportBucket,
  type ReportData,
  type ReportDevice,
} from './data.ts';
import { formatLocal, zoneAbbreviation } from './zone.ts';

type Doc = PDFKit.PDFDocument;

const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin - 14; // room for the page number
const ROW_HEIGHT = 15;
const COLORS = {
  ink: '#1f2933',
  muted: '#616e7c',
  rule: '#cbd2d9',
  band: '#d9e8fb',
  line: '#1f6feb',
  head: '#eef2f6',
};
/** Rows per device in the PDF data table; longer periods are shown per day there (XLSX/CSV keep every bucket). */
export const MAX_PDF_TABLE_ROWS = 400;
/** Tag columns per data table: more would not fit the page width. */
const TAGS_PER_TABLE = 5;

export interface PdfBranding {
  /** PNG or JPEG bytes of the tenant's logo; without one, a drawn mark with the tenant's initials. */
  logo?: Buffer;
}

/** What pdfkit's (untyped) openImage gives back: a PNG also keeps its compressed pixel data. */
interface OpenedImage {
  width: number;
  height: number;
  imgData?: Buffer;
}

/**
 * Throws unless pdfkit can place `data` on a page: the PNG or JPEG headers parse, and a PNG's pixel
 * data inflates (pdfkit inflates it only while writing the PDF, where a failure could not be caught).
 * Checked when a logo is uploaded, so a bad image is refused then and never fails a report later.
 */
export function checkLogoImage(data: Buffer): { width: number; height: number } {
  const doc = new PDFDocument({ autoFirstPage: false });
  const open = (doc as unknown as { openImage(src: Buffer): OpenedImage }).openImage.bind(doc);
  let image: OpenedImage;
  try {
    image = open(data);
    if (image.imgData) inflateSync(image.imgData);
  } catch (error) {
    // pdfkit throws strings for some malformed JPEGs.
    throw new Error(error instanceof Error ? error.message : String(error));
  }
  if (!(image.width > 0 && image.height > 0)) throw new Error('the image has no pixels');
  return { width: image.width, height: image.height };
}

function formatNumber(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

/** A table that starts a new page (and repeats its header) whenever the next row would not fit. */
function drawTable(doc: Doc, columns: readonly Column[], rows: readonly string[][], title?: string): void {
  const drawHeader = () => {
    const y = doc.y;
    doc.rect(PAGE.margin, y, CONTENT_WIDTH, ROW_HEIGHT + 4).fill(COLORS.head);
    doc.fillColor(COLORS.ink).font('Helvetica-Bold').fontSize(7.5);
    let x = PAGE.margin;
    for (const column of columns) {
      doc.text(column.header, x + 3, y + 4, {
        width: column.width - 6,
        align: column.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += column.width;
    }
    doc.y = y + ROW_HEIGHT + 4;
  };
  const ensureRoom = (height: number, repeatHeader: boolean) => {
    if (doc.y + height <= BOTTOM) return;
    doc.addPage();
    if (title && repeatHeader) {
      doc
        .font('Helvetica-Oblique')
        .fontSize(8)
        .fillColor(COLORS.muted)
        .text(`${title} (continued)`, PAGE.margin, doc.y);
      doc.moveDown(0.3);
    }
    if (repeatHeader) drawHeader();
  };
  ensureRoom(ROW_HEIGHT * 3, false);
  drawHeader();
  doc.font('Helvetica').fontSize(7.5);
  rows.forEach((row, index) => {
    ensureRoom(ROW_HEIGHT, true);
    const y = doc.y;
    if (index % 2 === 1) doc.rect(PAGE.margin, y, CONTENT_WIDTH, ROW_HEIGHT).fill('#f7f9fb');
    doc.fillColor(COLORS.ink).font('Helvetica').fontSize(7.5);
    let x = PAGE.margin;
    columns.forEach((column, c) => {
      doc.text(row[c] ?? '', x + 3, y + 4, {
        width: column.width - 6,
        align: column.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += column.width;
    });
    doc.y = y + ROW_HEIGHT;
  });
  doc
    .moveTo(PAGE.margin, doc.y)
    .lineTo(PAGE.margin + CONTENT_WIDTH, doc.y)
    .lineWidth(0.5)
    .strokeColor(COLORS.rule)
    .stroke();
  doc.x = PAGE.margin;
  doc.moveDown(1);
}

function heading(doc: Doc, text: string, size = 14): void {
  if (doc.y + 60 > BOTTOM) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(size).fillColor(COLORS.ink).text(text, PAGE.margin, doc.y);
  doc.moveDown(0.4);
}

function cover(doc: Doc, data: ReportData, branding: PdfBranding): void {
  const top = 140;
  if (branding.logo) {
    doc.image(branding.logo, PAGE.margin, top - 70, { fit: [160, 60] });
  } else {
    const initials = data.tenantName
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? '')
      .join('');
    doc.roundedRect(PAGE.margin, top - 70, 56, 56, 10).fill(COLORS.line);
    doc
      .font('Helvetica-Bold')
      .fontSize(22)
      .fillColor('#ffffff')
      .text(initials, PAGE.margin, top - 52, {
        width: 56,
        align: 'center',
      });
  }
  doc
    .font('Helvetica-Bold')
    .fontSize(26)
    .fillColor(COLORS.ink)
    .text(data.tenantName, PAGE.margin, top + 10, {
      width: CONTENT_WIDTH,
    });
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(18).fillColor(COLORS.ink).text(data.reportName, { width: CONTENT_WIDTH });
  doc.moveDown(1.2);
  const zone = data.timeZone;
  const from = `${formatLocal(data.period.from, zone)} ${zoneAbbreviation(data.period.from, zone)}`;
  const to = `${formatLocal(data.period.to, zone)} ${zoneAbbreviation(data.period.to, zone)}`;
  doc.font('Helvetica-Bold').fontSize(11).text('Period');
  doc.font('Helvetica').fontSize(11).text(`${from} to ${to}`);
  doc.fontSize(9).fillColor(COLORS.muted).text(`Times in ${zone}`);
  doc.moveDown(0.8);
  const tagCount = data.devices.reduce((sum, device) => sum + device.tags.length, 0);
  doc.fillColor(COLORS.ink).font('Helvetica-Bold').fontSize(11).text('Scope');
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(
      `${data.devices.length} device(s), ${tagCount} tag(s); ${data.bucket === 'day' ? 'daily' : 'hourly'} values`,
    );
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Generated');
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(`${formatLocal(data.generatedAt, zone)} ${zoneAbbreviation(data.generatedAt, zone)}`);
}

function summarySection(doc: Doc, data: ReportData): void {
  heading(doc, 'Summary');
  const metricWidth = 62;
  const fixed = CONTENT_WIDTH - metricWidth * data.metrics.length;
  for (const device of data.devices) {
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor(COLORS.ink)
      .text(`${device.name}  ·  ${device.siteName}`);
    doc.moveDown(0.3);
    drawTable(
      doc,
      [
        { header: 'Tag', width: fixed - 50 },
        { header: 'Unit', width: 50 },
        ...data.metrics.map((metric) => ({ header: metric, width: metricWidth, align: 'right' as const })),
      ],
      device.tags.map((tag) => [
        tag.name,
        tag.unit,
        ...data.metrics.map((metric) => formatNumber(tag.summary[metric])),
      ]),
      `${device.name} summary`,
    );
  }
}

/** One chart: the min-max band and the average line, as vector paths. */
function chart(
  doc: Doc,
  data: ReportData,
  device: ReportDevice,
  tagIndex: number,
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  const tag = device.tags[tagIndex];
  if (!tag) return;
  const plot = { x: x + 44, y: y + 16, w: w - 52, h: h - 34 };
  doc
    .font('Helvetica-Bold')
    .fontSize(8.5)
    .fillColor(COLORS.ink)
    .text(`${tag.name}${tag.unit ? ` (${tag.unit})` : ''}  ·  ${device.name}`, x, y, {
      width: w,
      lineBreak: false,
      ellipsis: true,
    });
  doc.rect(plot.x, plot.y, plot.w, plot.h).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
  const numeric = tag.buckets.filter((b) => typeof b.avg === 'number');
  if (numeric.length === 0) {
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(COLORS.muted)
      .text('no numeric data in this period', plot.x, plot.y + plot.h / 2 - 4, {
        width: plot.w,
        align: 'center',
      });
    return;
  }
  let low = Math.min(...numeric.map((b) => b.min ?? (b.avg as number)));
  let high = Math.max(...numeric.map((b) => b.max ?? (b.avg as number)));
  if (high === low) {
    high += 1;
    low -= 1;
  }
  const { from, to } = data.period;
  const px = (ts: number) => plot.x + ((ts - from) / (to - from)) * plot.w;
  const py = (value: number) => plot.y + plot.h - ((value - low) / (high - low)) * plot.h;
  // grid and axis labels
  doc.font('Helvetica').fontSize(6.5).fillColor(COLORS.muted);
  for (let i = 0; i <= 4; i++) {
    const value = low + ((high - low) * i) / 4;
    const gy = py(value);
    doc
      .moveTo(plot.x, gy)
      .lineTo(plot.x + plot.w, gy)
      .lineWidth(0.25)
      .strokeColor('#e4e7eb')
      .stroke();
    doc
      .fillColor(COLORS.muted)
      .text(formatNumber(value), x, gy - 3, { width: 40, align: 'right', lineBreak: false });
  }
  for (let i = 0; i <= 4; i++) {
    const ts = from + ((to - from) * i) / 4;
    doc.text(bucketLabel(ts, 'day', data.timeZone), px(ts) - 30, plot.y + plot.h + 4, {
      width: 60,
      align: 'center',
      lineBreak: false,
    });
  }
  // Each bucket is drawn at its middle; a gap in data is a gap in the line.
  const half = (data.bucket === 'day' ? 86_400_000 : 3_600_000) / 2;
  const runs: ReportBucket[][] = [];
  let run: ReportBucket[] = [];
  let previous: number | null = null;
  for (const bucket of numeric) {
    if (previous !== null && bucket.ts - previous > half * 2.5) {
      runs.push(run);
      run = [];
    }
    run.push(bucket);
    previous = bucket.ts;
  }
  runs.push(run);
  doc.save();
  doc.rect(plot.x, plot.y, plot.w, plot.h).clip();
  for (const segment of runs) {
    const first = segment[0];
    if (!first) continue;
    if (segment.some((b) => b.min !== null && b.max !== null)) {
      doc.moveTo(px(first.ts + half), py(first.max ?? (first.avg as number)));
      for (const b of segment.slice(1)) doc.lineTo(px(b.ts + half), py(b.max ?? (b.avg as number)));
      for (const b of [...segment].reverse()) doc.lineTo(px(b.ts + half), py(b.min ?? (b.avg as number)));
      doc.closePath().fillOpacity(1).fill(COLORS.band);
    }
    doc.moveTo(px(first.ts + half), py(first.avg as number));
    for (const b of segment.slice(1)) doc.lineTo(px(b.ts + half), py(b.avg as number));
    if (segment.length === 1) doc.circle(px(first.ts + half), py(first.avg as number), 1.2).fill(COLORS.line);
    else doc.lineWidth(0.9).strokeColor(COLORS.line).stroke();
  }
  doc.restore();
}

function trendsSection(doc: Doc, data: ReportData): void {
  heading(doc, 'Trends');
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(COLORS.muted)
    .text('Line: average per bucket. Band: minimum to maximum.');
  doc.moveDown(0.5);
  const chartHeight = 150;
  for (const device of data.devices) {
    for (let i = 0; i < device.tags.length; i++) {
      if (doc.y + chartHeight > BOTTOM) doc.addPage();
      const y = doc.y;
      chart(doc, data, device, i, PAGE.margin, y, CONTENT_WIDTH, chartHeight - 10);
      doc.x = PAGE.margin;
      doc.y = y + chartHeight;
    }
  }
}

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

function tableSection(doc: Doc, data: ReportData): void {
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

function alarmSection(doc: Doc, data: ReportData): void {
  const alarms = data.alarms;
  if (!alarms) return;
  heading(doc, 'Alarms');
  doc.font('Helvetica').fontSize(9).fillColor(COLORS.ink);
  doc.text(
    `Raised: ${alarms.total} (critical ${alarms.bySeverity.critical}, high ${alarms.bySeverity.high}, medium ${alarms.bySeverity.medium}, low ${alarms.bySeverity.low})`,
  );
  doc.text(`Time in alarm, all alarms: ${formatDuration(alarms.timeInAlarmMs)}`);
  doc.text(
    `Mean time to acknowledge: ${alarms.meanTimeToAckMs === null ? 'no acknowledgements' : formatDuration(alarms.meanTimeToAckMs)}`,
  );
  if (alarms.truncated)
    doc
      .fillColor(COLORS.muted)
      .text('The period had more alarm events than a report summarises; the first ones are counted.');
  doc.moveDown(0.6);
  if (alarms.top.length === 0) {
    doc.fillColor(COLORS.muted).text('No alarms in this period.');
    return;
  }
  heading(doc, 'Top 10 by frequency', 10);
  drawTable(
    doc,
    [
      { header: 'Alarm', width: CONTENT_WIDTH - 300 },
      { header: 'Severity', width: 60 },
      { header: 'Times active', width: 70, align: 'right' },
      { header: 'Time in alarm', width: 85, align: 'right' },
      { header: 'Mean time to ack', width: 85, align: 'right' },
    ],
    alarms.top.map((row) => [
      row.name,
      row.severity,
      String(row.count),
      formatDuration(row.timeInAlarmMs),
      row.meanTimeToAckMs === null ? '–' : formatDuration(row.meanTimeToAckMs),
    ]),
    'Top alarms',
  );
}

export function renderPdf(data: ReportData, branding: PdfBranding = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: `${data.reportName}, ${data.tenantName}`, Author: 'Plantwatch', Creator: 'Plantwatch' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  cover(doc, data, branding);
  const sections = new Set(data.sections);
  if (data.devices.length === 0) {
    doc.addPage();
    heading(doc, 'No data');
    doc.font('Helvetica').fontSize(10).text('The report names no tag its owner may see.');
  }
  if (data.devices.length > 0 && sections.has('summary')) {
    doc.addPage();
    summarySection(doc, data);
  }
  if (data.devices.length > 0 && sections.has('trends')) {
    doc.addPage();
    trendsSection(doc, data);
  }
  if (data.devices.length > 0 && sections.has('table')) {
    doc.addPage();
    tableSection(doc, data);
  }
  if (sections.has('alarms')) {
    doc.addPage();
    alarmSection(doc, data);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page; lift the margin while numbering.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(COLORS.muted)
      .text(
        `${data.reportName}  ·  page ${i + 1} of ${range.count}`,
        PAGE.margin,
        PAGE.height - PAGE.margin + 10,
        {
          width: CONTENT_WIDTH,
          align: 'right',
          lineBreak: false,
        },
      );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
