// Downloads of the chart as shown: its numbers as CSV (trend-data.ts), its picture as PNG.

function download(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "north-pumping-station-trend-2026-12-07T0930" without characters file systems dislike. */
export function exportName(title: string, at = new Date()): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return `${slug || 'trend'}-${at.toISOString().slice(0, 16).replace(':', '')}`;
}

export function downloadCsv(csv: string, name: string) {
  // A byte-order mark, so spreadsheet programs read ° and ³ as UTF-8.
  download(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }), `${name}.csv`);
}

/**
 * The chart's canvas on the page's own background with a caption above it (what, over when), so the
 * picture stands on its own in a report or an e-mail.
 */
export function downloadPng(chart: HTMLCanvasElement, caption: string, name: string) {
  const ratio = window.devicePixelRatio || 1;
  const captionHeight = Math.round(32 * ratio);
  const picture = document.createElement('canvas');
  picture.width = chart.width;
  picture.height = chart.height + captionHeight;
  const context = picture.getContext('2d');
  if (!context) return;
  const style = getComputedStyle(document.documentElement);
  context.fillStyle = style.getPropertyValue('--raised').trim() || '#ffffff';
  context.fillRect(0, 0, picture.width, picture.height);
  context.fillStyle = style.getPropertyValue('--fg').trim() || '#000000';
  context.font = `${Math.round(14 * ratio)}px system-ui, sans-serif`;
  context.fillText(caption, Math.round(8 * ratio), Math.round(21 * ratio), picture.width - 16 * ratio);
  context.drawImage(chart, 0, captionHeight);
  picture.toBlob((blob) => {
    if (blob) download(blob, `${name}.png`);
  }, 'image/png');
}
