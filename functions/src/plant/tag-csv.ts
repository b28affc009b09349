// A device's tags as CSV (RFC 4180, by csv-parse and csv-stringify): one row per tag, the columns of
// TAG_CSV_COLUMNS, Modbus bits included. Reading checks every row against the same schema as the
// API's tag routes and names the row and field of each problem, as a spreadsheet numbers them.
import {
  addressKindFor,
  type CsvRowError,
  type DeviceProtocol,
  InvalidInputError,
  MAX_BULK_TAGS,
  type NewTag,
  newTagSchema,
  TAG_CSV_COLUMNS,
  type Tag,
} from '@plantwatch/shared';
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

type Column = (typeof TAG_CSV_COLUMNS)[number];
const NUMBER_COLUMNS: readonly Column[] = ['scale', 'offset', 'deadband', 'address', 'bit', 'length'];
const MODBUS_COLUMNS: readonly Column[] = ['area', 'address', 'type', 'bit', 'length'];
const OPCUA_COLUMNS: readonly Column[] = ['nodeId'];

/** The address columns of one tag: Modbus or OPC UA (the protocols the CSV covers). */
function addressCells(address: Tag['address']): Partial<Record<Column, string | number | undefined>> {
  if (address.kind === 'opcua') return { nodeId: address.nodeId };
  if (address.kind === 'modbus') {
    const { area, address: register, type, bit, length } = address;
    return { area, address: register, type, bit, length };
  }
  throw new InvalidInputError(`tags as CSV cover Modbus and OPC UA devices, not ${address.kind}`);
}

/** The device's tags as CSV text, header first, in key order. */
export function tagsToCsv(tags: readonly Pick<Tag, keyof NewTag>[]): string {
  const rows = [...tags]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((tag) => {
      const address = addressCells(tag.address);
      const cells: Partial<Record<Column, string | number | undefined>> = {
        key: tag.key,
        name: tag.name,
        description: tag.description,
        unit: tag.unit,
        scale: tag.scale,
        offset: tag.offset,
        deadband: tag.deadband,
        ...address,
      };
      return TAG_CSV_COLUMNS.map((column) => cells[column] ?? '');
    });
  return stringify([[...TAG_CSV_COLUMNS], ...rows], { record_delimiter: '\r\n' });
}

export type TagCsvResult = { ok: true; tags: NewTag[] } | { ok: false; errors: CsvRowError[] };

/** Reads CSV text into tags for a device of `protocol`, or every problem found (up to 200). */
export function tagsFromCsv(text: string, protocol: DeviceProtocol): TagCsvResult {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    const line = error instanceof CsvError && 'lines' in error ? Number(error.lines) : 1;
    return { ok: false, errors: [{ row: line, field: 'csv', message: (error as Error).message }] };
  }
  const [header = [], ...rows] = records;
  const errors: CsvRowError[] = [];
  const columns = header.map((name) => name.trim());
  for (const column of columns) {
    if (!(TAG_CSV_COLUMNS as readonly string[]).includes(column)) {
      errors.push({
        row: 1,
        field: column || '(empty)',
        message: `unknown column; expected ${TAG_CSV_COLUMNS.join(', ')}`,
      });
    }
  }
  for (const column of ['key', 'name'] as const) {
    if (!columns.includes(column)) errors.push({ row: 1, field: column, message: 'missing column' });
  }
  if (rows.length > MAX_BULK_TAGS) {
    errors.push({
      row: 1,
      field: 'csv',
      message: `holds ${rows.length} rows; at most ${MAX_BULK_TAGS} tags at once`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const kind = addressKindFor(protocol);
  if (kind !== 'modbus' && kind !== 'opcua') {
    return {
      ok: false,
      errors: [
        { row: 1, field: 'csv', message: `tags as CSV cover Modbus and OPC UA devices, not ${protocol}` },
      ],
    };
  }
  const notHere = kind === 'opcua' ? MODBUS_COLUMNS : OPCUA_COLUMNS;
  const tags: NewTag[] = [];
  const firstRowOfKey = new Map<string, number>();
  rows.forEach((cells, index) => {
    const row = index + 2;
    const cell = (column: Column) => {
      const at = columns.indexOf(column);
      const value = at === -1 ? '' : (cells[at] ?? '');
      return value === '' ? undefined : value;
    };
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c !== '')) {
      errors.push({
        row,
        field: 'row',
        message: `has ${cells.length} cells; the header has ${columns.length}`,
      });
      return;
    }
    const numbers: Partial<Record<Column, number>> = {};
    let rowOk = true;
    for (const column of NUMBER_COLUMNS) {
      const value = cell(column);
      if (value === undefined) continue;
      const number = Number(value);
      if (Number.isNaN(number)) {
        errors.push({ row, field: column, message: `must be a number, not "${value}"` });
        rowOk = false;
      } else numbers[column] = number;
    }
    for (const column of notHere) {
      if (cell(column) !== undefined) {
        errors.push({ row, field: column, message: `is not used by a ${protocol} device; leave it empty` });
        rowOk = false;
      }
    }
    if (!rowOk) return;
    const address =
      kind === 'opcua'
        ? { kind, nodeId: cell('nodeId') }
        : {
            kind,
            area: cell('area') ?? 'holding',
            address: numbers.address,
            type: cell('type'),
            bit: numbers.bit,
            length: numbers.length,
          };
    const candidate = {
      key: cell('key'),
      name: cell('name'),
      description: cell('description'),
      unit: cell('unit'),
      scale: numbers.scale,
      offset: numbers.offset,
      deadband: numbers.deadband,
      address,
    };
    const parsed = newTagSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path.at(-1) ?? 'row');
        // An empty cell is "required", whatever zod calls a missing value of that type.
        const given = issue.path.reduce<unknown>(
          (value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key],
          candidate,
        );
        errors.push({
          row,
          field,
          message: given === undefined && issue.path.length > 0 ? 'required' : issue.message,
        });
      }
      return;
    }
    const first = firstRowOfKey.get(parsed.data.key);
    if (first !== undefined) {
      errors.push({ row, field: 'key', message: `"${parsed.data.key}" is already used on row ${first}` });
      return;
    }
    firstRowOfKey.set(parsed.data.key, row);
    tags.push(parsed.data);
  });
  return errors.length > 0 ? { ok: false, errors: errors.slice(0, 200) } : { ok: true, tags };
}
