// Tag import from CSV: parse the file and check every row against the shared tag schema before
// anything is saved, so messages can point at the bad row and field.
import { addressKindFor, type CreateTag, createTagSchema, type DeviceProtocol } from '@plantwatch/shared';

export interface CsvRowError {
  /** The row's line in the file as a spreadsheet numbers it: the header is row 1. */
  row: number;
  field: string;
  message: string;
}

export type TagCsvResult = { ok: true; tags: CreateTag[] } | { ok: false; errors: CsvRowError[] };

const NUMBER_COLUMNS = ['scale', 'offset', 'deadband', 'address', 'bit', 'length'] as const;
const KNOWN_COLUMNS = [
  'key',
  'name',
  'unit',
  'description',
  'scale',
  'offset',
  'deadband',
  'area',
  'address',
  'type',
  'bit',
  'length',
  'nodeId',
];

/** RFC 4180 CSV: commas, double-quoted fields with "" for a quote, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function parseTagCsv(text: string, deviceId: string, protocol: DeviceProtocol): TagCsvResult {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = (rows[0] ?? []).map((h) => h.trim());
  const errors: CsvRowError[] = [];
  const unknown = header.filter((h) => h && !KNOWN_COLUMNS.includes(h));
  for (const column of unknown) {
    errors.push({ row: 1, field: column, message: `unknown column; expected ${KNOWN_COLUMNS.join(', ')}` });
  }
  for (const column of ['key', 'name']) {
    if (!header.includes(column)) errors.push({ row: 1, field: column, message: 'missing column' });
  }
  if (errors.length) return { ok: false, errors };

  const tags: CreateTag[] = [];
  const seenKeys = new Map<string, number>();
  const kind = addressKindFor(protocol);
  rows.slice(1).forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((cell) => cell.trim() === '')) return;
    const value = (column: string) => {
      const at = header.indexOf(column);
      const cell = at === -1 ? '' : (cells[at] ?? '').trim();
      return cell === '' ? undefined : cell;
    };
    const numbers: Record<string, number | undefined> = {};
    let rowOk = true;
    for (const column of NUMBER_COLUMNS) {
      const cell = value(column);
      if (cell === undefined) continue;
      const number = Number(cell);
      if (Number.isNaN(number)) {
        errors.push({ row, field: column, message: `must be a number, not “${cell}”` });
        rowOk = false;
      } else numbers[column] = number;
    }
    if (!rowOk) return;
    const address =
      kind === 'opcua'
        ? { kind, nodeId: value('nodeId') }
        : {
            kind,
            area: value('area') ?? 'holding',
            address: numbers.address,
            type: value('type'),
            bit: numbers.bit,
            length: numbers.length,
          };
    const parsed = createTagSchema.safeParse({
      deviceId,
      key: value('key'),
      name: value('name'),
      description: value('description'),
      unit: value('unit'),
      scale: numbers.scale,
      offset: numbers.offset,
      deadband: numbers.deadband,
      address,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path.at(-1) ?? 'row');
        // Numbers are converted above, so a wrong type can only be a missing value.
        const message = issue.code === 'invalid_type' ? 'required' : issue.message;
        errors.push({ row, field, message });
      }
      return;
    }
    const firstRow = seenKeys.get(parsed.data.key);
    if (firstRow !== undefined) {
      errors.push({ row, field: 'key', message: `“${parsed.data.key}” is already used on row ${firstRow}` });
      return;
    }
    seenKeys.set(parsed.data.key, row);
    tags.push(parsed.data);
  });
  return errors.length ? { ok: false, errors } : { ok: true, tags };
}
