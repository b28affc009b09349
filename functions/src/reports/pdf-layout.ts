// Page geometry, colours, number formatting, and the heading and table helpers the PDF sections draw with.
export type Doc = PDFKit.PDFDocument;

export const PAGE = { width: 595.28, height: 841.89, margin: 48 };
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
export const BOTTOM = PAGE.height - PAGE.margin - 14; // room for the page number
const ROW_HEIGHT = 15;
export const COLORS = {
  ink: '#1f2933',
  muted: '#616e7c',
  rule: '#cbd2d9',
  band: '#d9e8fb',
  line: '#1f6feb',
  head: '#eef2f6',
};

export function formatNumber(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

/** A table that starts a new page (and repeats its header) whenever the next row would not fit. */
export function drawTable(
  doc: Doc,
  columns: readonly Column[],
  rows: readonly string[][],
  title?: string,
): void {
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

export function heading(doc: Doc, text: string, size = 14): void {
  if (doc.y + 60 > BOTTOM) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(size).fillColor(COLORS.ink).text(text, PAGE.margin, doc.y);
  doc.moveDown(0.4);
}
