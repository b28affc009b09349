// The PDF format (pdfkit): a cover with the tenant's name and logo and the period in the report's
// zone, summary tables, trend charts drawn as vector paths, a data table whose header repeats on
// every page it runs over, the alarm summary, and "page n of m" on every page.
import PDFDocument from 'pdfkit';
import { alarmKpiPdfSection } from './alarm-kpis-render.ts';
import { formatDuration, type ReportData } from './data.ts';
import { COLORS, CONTENT_WIDTH, type Doc, drawTable, formatNumber, heading, PAGE } from './pdf-layout.ts';
import { tableSection } from './pdf-table.ts';
import { trendsSection } from './pdf-trends.ts';
import { formatLocal, zoneAbbreviation } from './zone.ts';

export interface PdfBranding {
  /** PNG or JPEG bytes of the tenant's logo; without one, a drawn mark with the tenant's initials. */
  logo?: Buffer;
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
  if (data.alarmKpis) {
    doc.addPage();
    alarmKpiPdfSection(doc, data.alarmKpis);
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
