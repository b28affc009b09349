// The PDF's trend charts: per tag, the min-max band and the average line drawn as vector paths.
import { bucketLabel, type ReportBucket, type ReportData, type ReportDevice } from './data.ts';
import { BOTTOM, COLORS, CONTENT_WIDTH, type Doc, formatNumber, heading, PAGE } from './pdf-layout.ts';

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

export function trendsSection(doc: Doc, data: ReportData): void {
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
