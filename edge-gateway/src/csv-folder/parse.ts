// One CSV file of a data logger as points: csv-parse (RFC 4180, the parser the cloud's tag import uses
// too) with the device's delimiter, a header row naming the columns, the time column read in the
// device's format and zone, and each mapped column's cells as numbers (with the device's decimal
// separator) or booleans. A bad row is named with its line and skipped; a file that cannot be read as
// a whole (no header, a mapped column missing) is refused with the reason.
import {
  type CsvFolderConfigDevice,
  instantOfWallClock,
  type TelemetryPoint,
  type TelemetryValue,
} from '@plantwatch/shared';
import { parse } from 'csv-parse/sync';
import { scaledValue } from '../opcua/convert.ts';

export class CsvFileError extends Error {}

export interface RowProblem {
  /** Line of the file, 1 being the header. */
  line: number;
  message: string;
}

export interface ParsedFile {
  /** Points per data row, in file order (a row with no usable cell has none). */
  rows: TelemetryPoint[][];
  problems: RowProblem[];
}

const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;

const tokens: Record<string, string> = {
  YYYY: '(?<year>\\d{4})',
  MM: '(?<month>\\d{1,2})',
  DD: '(?<day>\\d{1,2})',
  HH: '(?<hour>\\d{1,2})',
  mm: '(?<minute>\\d{1,2})',
  ss: '(?<second>\\d{1,2})',
  SSS: '(?<ms>\\d{1,3})',
};

const patterns = new Map<string, RegExp>();

function patternRegex(format: string): RegExp {
  let regex = patterns.get(format);
  if (!regex) {
    const source = format
      .split(/(YYYY|SSS|MM|DD|HH|mm|ss)/)
      .map((part) => tokens[part] ?? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
      .join('');
    regex = new RegExp(`^${source}$`);
    patterns.set(format, regex);
  }
  return regex;
}

/** A time cell as epoch ms, or a message saying why not. */
export function parseTime(cell: string, format: string, timeZone: string): number | string {
  const text = cell.trim();
  let instant: number;
  if (format === 'epoch-ms' || format === 'epoch-s') {
    if (!/^\d+(\.\d+)?$/.test(text)) return `time "${text}" is not ${format}`;
    instant = Math.round(Number(text) * (format === 'epoch-s' ? 1000 : 1));
  } else if (format === 'iso') {
    const match =
      /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
        text,
      );
    if (!match) return `time "${text}" is not an ISO 8601 date and time`;
    const [, y, mo, d, h, mi, s = '0', ms = '0', zone] = match;
    const wall = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number(ms.padEnd(3, '0')),
    );
    if (zone)
      instant = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s.padStart(2, '0')}.${ms.padEnd(3, '0')}${zone}`);
    else instant = wallToInstant(wall, timeZone);
  } else {
    const groups = patternRegex(format).exec(text)?.groups;
    if (!groups) return `time "${text}" does not match ${format}`;
    const n = (key: string) => Number(groups[key] ?? 0);
    const ms = groups.ms ? Number(groups.ms.padEnd(3, '0')) : 0;
    const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'), ms);
    if (new Date(wall).getUTCDate() !== n('day') || n('hour') > 23 || n('minute') > 59 || n('second') > 59) {
      return `time "${text}" is not a real date and time`;
    }
    instant = wallToInstant(wall, timeZone);
  }
  if (!Number.isFinite(instant) || instant < MIN_TS || instant >= MAX_TS) {
    return `time "${text}" is not between 2000 and 2100`;
  }
  return instant;
}

function wallToInstant(wall: number, timeZone: string): number {
  if (timeZone === 'UTC') return wall;
  const ms = wall % 1000;
  return instantOfWallClock(timeZone, wall - ms) + ms;
}

/** A cell as a telemetry value: a number (decimal separator per device), true/false, or null when empty. */
export function parseCell(cell: string, decimal: '.' | ','): TelemetryValue | null | { error: string } {
  const text = cell.trim();
  if (text === '') return null;
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'on') return true;
  if (lower === 'false' || lower === 'off') return false;
  const normalised = decimal === ',' ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(normalised)) {
    const value = Number(normalised);
    if (Number.isFinite(value)) return value;
  }
  return { error: `"${text.slice(0, 40)}" is not a number` };
}

type Device = Pick<
  CsvFolderConfigDevice,
  'id' | 'delimiter' | 'decimal' | 'timeColumn' | 'timeFormat' | 'timeZone' | 'tags'
>;

export function parseCsvFile(text: string, device: Device): ParsedFile {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: device.delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new CsvFileError(`not readable as CSV: ${(error as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header) throw new CsvFileError('the file is empty');
  const columns = header.map((name) => name.trim());
  const timeAt = columns.indexOf(device.timeColumn);
  if (timeAt === -1)
    throw new CsvFileError(
      `no time column "${device.timeColumn}" in the header (${columns.join(', ').slice(0, 300)})`,
    );
  const missing = device.tags.filter((tag) => !columns.includes(tag.column)).map((tag) => tag.column);
  if (missing.length === device.tags.length) {
    throw new CsvFileError(
      `none of the mapped columns is in the header: ${missing.join(', ').slice(0, 300)}`,
    );
  }
  const mapped = device.tags.flatMap((tag) => {
    const at = columns.indexOf(tag.column);
    return at === -1 ? [] : [{ tag, at }];
  });
  const problems: RowProblem[] = missing.map((column) => ({
    line: 1,
    message: `no column "${column}" in the header`,
  }));
  const rows: TelemetryPoint[][] = [];
  data.forEach((cells, index) => {
    const line = index + 2;
    if (cells.length !== columns.length) {
      problems.push({ line, message: `${cells.length} cells where the header has ${columns.length}` });
      rows.push([]);
      return;
    }
    const ts = parseTime(cells[timeAt] ?? '', device.timeFormat, device.timeZone);
    if (typeof ts === 'string') {
      problems.push({ line, message: ts });
      rows.push([]);
      return;
    }
    const points: TelemetryPoint[] = [];
    for (const { tag, at } of mapped) {
      const value = parseCell(cells[at] ?? '', device.decimal);
      if (value === null) continue;
      if (typeof value === 'object') {
        problems.push({ line, message: `column ${tag.column}: ${value.error}` });
        continue;
      }
      points.push({ d: device.id, t: tag.id, ts, v: scaledValue(value, tag), q: 'good' });
    }
    rows.push(points);
  });
  return { rows, problems };
}
