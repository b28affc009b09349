// A site's asset hierarchy as CSV (RFC 4180 by csv-parse and csv-stringify; columns ASSET_CSV_COLUMNS):
// written from the JSON export's document and read into one, so the import is the JSON import (one
// transaction, all or nothing). Reading names the row and column of every problem, as a spreadsheet
// numbers them; a tag is found by gateway name (optional when the device key is unique at the site),
// device key and tag key.
import {
  ASSET_CSV_COLUMNS,
  ASSET_PATH_SEPARATOR,
  type AssetCsvColumn,
  type AssetExportNode,
  type AssetHierarchy,
  assetExportNodeSchema,
  type CsvRowError,
} from '@plantwatch/shared';
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const MAX_ROWS = 20_000;

/** One document a line, "title | url". */
const documentsCell = (documents: AssetExportNode['documents']) =>
  documents.map((d) => `${d.title} | ${d.url}`).join('\n');

/** The hierarchy as CSV text: header first, parents before children, one row per measurement. */
export function hierarchyToCsv(document: AssetHierarchy): string {
  const rows: string[][] = [];
  const walk = (node: AssetExportNode, parents: readonly string[]) => {
    const path = [...parents, node.name];
    const attributes: Partial<Record<AssetCsvColumn, string>> = {
      path: path.join(ASSET_PATH_SEPARATOR),
      level: node.level,
      asset_model: node.assetModel ?? '',
      make: node.make,
      model: node.model,
      serial: node.serial,
      install_date: node.installDate ?? '',
      documents: documentsCell(node.documents),
    };
    const measurements = node.measurements.length > 0 ? node.measurements : [null];
    for (const measurement of measurements) {
      const [gateway = '', device = '', tag = ''] = measurement?.tag?.split('/') ?? [];
      const cells: Partial<Record<AssetCsvColumn, string>> = {
        ...attributes,
        measurement: measurement?.name ?? '',
        unit: measurement?.unit ?? '',
        gateway,
        device,
        tag,
      };
      rows.push(ASSET_CSV_COLUMNS.map((column) => cells[column] ?? ''));
    }
    for (const child of node.children) walk(child, path);
  };
  for (const root of document.assets) walk(root, []);
  // a cell with a line break is quoted too (csv-stringify quotes only the record delimiter, \r\n)
  return stringify([[...ASSET_CSV_COLUMNS], ...rows], { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}

/** A site's tag as the CSV names it. */
export interface SiteTagName {
  gateway: string;
  device: string;
  tag: string;
}

export type AssetCsvResult = { ok: true; document: AssetHierarchy } | { ok: false; errors: CsvRowError[] };

interface RowAsset {
  row: number;
  path: string[];
  cells: Partial<Record<AssetCsvColumn, string>>;
  /** Each measurement with the row it was on. */
  measurements: { row: number; name: string; unit: string; tag: string | null }[];
}

const ATTRIBUTE_COLUMNS: readonly AssetCsvColumn[] = [
  'level',
  'asset_model',
  'make',
  'model',
  'serial',
  'install_date',
  'documents',
];
const FIELD_COLUMN: Record<string, AssetCsvColumn> = {
  name: 'path',
  level: 'level',
  assetModel: 'asset_model',
  make: 'make',
  model: 'model',
  serial: 'serial',
  installDate: 'install_date',
  documents: 'documents',
};

function parseDocuments(text: string) {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const at = line.lastIndexOf(' | ');
      return at === -1 ? { title: '', url: line } : { title: line.slice(0, at), url: line.slice(at + 3) };
    });
}

/** The tag a row names: none (all three cells empty), the one found, or why not (and in which column). */
function findTag(
  tags: readonly SiteTagName[],
  cells: SiteTagName,
): { tag: string | null } | { error: { field: AssetCsvColumn; message: string } } {
  if (cells.device === '' && cells.tag === '' && cells.gateway === '') return { tag: null };
  if (cells.device === '' || cells.tag === '')
    return {
      error: {
        field: cells.device === '' ? 'device' : 'tag',
        message: 'a bound measurement names its device key and tag key',
      },
    };
  const found = tags.filter(
    (t) =>
      t.device === cells.device &&
      t.tag === cells.tag &&
      (cells.gateway === '' || t.gateway === cells.gateway),
  );
  const [only, second] = found;
  if (!only)
    return {
      error: {
        field: 'tag',
        message: `no tag "${cells.tag}" on device "${cells.device}"${cells.gateway ? ` of gateway "${cells.gateway}"` : ''} at this site`,
      },
    };
  if (second)
    return {
      error: {
        field: 'gateway',
        message: `device "${cells.device}" is on ${found.length} gateways (${found.map((t) => t.gateway).join(', ')}): name the gateway`,
      },
    };
  return { tag: `${only.gateway}/${only.device}/${only.tag}` };
}

/**
 * Reads CSV text into an asset hierarchy document (tags as "gateway/device/tag", models by name), or
 * every problem found (up to 200), each naming its row and column.
 */
export function readAssetCsv(
  text: string,
  site: { tags: readonly SiteTagName[]; models: ReadonlySet<string> },
): AssetCsvResult {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    const line = error instanceof CsvError && 'lines' in error ? Number(error.lines) : 1;
    return { ok: false, errors: [{ row: line, field: 'csv', message: (error as Error).message }] };
  }
  const [header = [], ...rows] = records;
  const errors: CsvRowError[] = [];
  const columns = header.map((name) => name.trim().toLowerCase());
  for (const column of columns)
    if (!(ASSET_CSV_COLUMNS as readonly string[]).includes(column))
      errors.push({
        row: 1,
        field: column || '(empty)',
        message: `unknown column; expected ${ASSET_CSV_COLUMNS.join(', ')}`,
      });
  if (!columns.includes('path')) errors.push({ row: 1, field: 'path', message: 'missing column' });
  if (rows.length > MAX_ROWS)
    errors.push({ row: 1, field: 'csv', message: `holds ${rows.length} rows; at most ${MAX_ROWS}` });
  if (errors.length > 0) return { ok: false, errors };

  const byPath = new Map<string, RowAsset>();
  rows.forEach((values, index) => {
    const row = index + 2;
    const cell = (column: AssetCsvColumn) => {
      const at = columns.indexOf(column);
      return at === -1 ? '' : (values[at] ?? '');
    };
    if (values.length > columns.length && values.slice(columns.length).some((v) => v !== '')) {
      errors.push({
        row,
        field: 'row',
        message: `has ${values.length} cells; the header has ${columns.length}`,
      });
      return;
    }
    // " / " between names (spaces around the slash), so "Pump 1/2" stays one name
    const path = cell('path')
      .split(/\s+\/\s+/)
      .map((name) => name.trim());
    if (path.some((name) => name === '')) {
      errors.push({
        row,
        field: 'path',
        message: 'required: the names from the top of the site, "Area / Line / Pump"',
      });
      return;
    }
    const key = path.map((name) => name.toLowerCase()).join('\u0000');
    let asset = byPath.get(key);
    if (!asset) {
      asset = { row, path, cells: {}, measurements: [] };
      byPath.set(key, asset);
    }
    // an asset's attributes may be repeated on each of its rows, or given once; never two values
    for (const column of ATTRIBUTE_COLUMNS) {
      const value = cell(column);
      if (value === '') continue;
      const before = asset.cells[column];
      if (before !== undefined && before !== value)
        errors.push({
          row,
          field: column,
          message: `"${value}" disagrees with "${before}" on row ${asset.row}`,
        });
      else asset.cells[column] = value;
    }
    const name = cell('measurement');
    const tagCells = { gateway: cell('gateway'), device: cell('device'), tag: cell('tag') };
    if (name === '') {
      for (const column of ['unit', 'gateway', 'device', 'tag'] as const)
        if (cell(column) !== '')
          errors.push({ row, field: column, message: 'needs a measurement on the same row' });
      return;
    }
    if (asset.measurements.some((m) => m.name.toLowerCase() === name.toLowerCase())) {
      errors.push({ row, field: 'measurement', message: `"${name}" is already a measurement of this asset` });
      return;
    }
    // the measurement is kept even when its tag is not found, so a later row repeating it is named too
    const found = findTag(site.tags, tagCells);
    if ('error' in found) errors.push({ row, ...found.error });
    const tag = 'tag' in found ? found.tag : null;
    asset.measurements.push({ row, name, unit: cell('unit'), tag });
  });

  // build the tree: every parent path must be in the file itself
  const nodes = new Map<string, AssetExportNode>();
  const roots: AssetExportNode[] = [];
  const ordered = [...byPath.entries()].sort((a, b) => a[1].path.length - b[1].path.length);
  for (const [key, asset] of ordered) {
    const model = asset.cells.asset_model ?? '';
    if (model !== '' && !site.models.has(model))
      errors.push({ row: asset.row, field: 'asset_model', message: `no asset model "${model}"` });
    const candidate = {
      name: asset.path.at(-1),
      level: asset.cells.level,
      assetModel: model === '' ? null : model,
      make: asset.cells.make,
      model: asset.cells.model,
      serial: asset.cells.serial,
      installDate: asset.cells.install_date || null,
      documents: parseDocuments(asset.cells.documents ?? ''),
      measurements: asset.measurements.map(({ name, unit, tag }) => ({ name, unit, tag })),
    };
    const parsed = assetExportNodeSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [field, index, sub] = issue.path;
        const measurementRow = typeof index === 'number' ? asset.measurements[index]?.row : undefined;
        errors.push(
          field === 'measurements'
            ? {
                row: measurementRow ?? asset.row,
                field: sub === 'unit' ? 'unit' : 'measurement',
                message: issue.message,
              }
            : {
                row: asset.row,
                field: FIELD_COLUMN[String(field)] ?? 'row',
                message:
                  field === 'documents'
                    ? `${issue.message} (one document a line, "title | url")`
                    : issue.message,
              },
        );
      }
      continue;
    }
    const node = parsed.data;
    nodes.set(key, node);
    if (asset.path.length === 1) {
      roots.push(node);
      continue;
    }
    const parentKey = key.slice(0, key.lastIndexOf('\u0000'));
    const parent = nodes.get(parentKey);
    if (parent) parent.children.push(node);
    else if (!byPath.has(parentKey))
      errors.push({
        row: asset.row,
        field: 'path',
        message: `its parent "${asset.path.slice(0, -1).join(ASSET_PATH_SEPARATOR)}" has no row of its own`,
      });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.row - b.row).slice(0, 200) };
  // siblings in the order of the file
  const rowOf = new Map([...byPath.values()].map((a) => [a.path.join('\u0000'), a.row]));
  const sortChildren = (list: AssetExportNode[], parents: string[]) => {
    list.sort(
      (a, b) =>
        (rowOf.get([...parents, a.name].join('\u0000')) ?? 0) -
        (rowOf.get([...parents, b.name].join('\u0000')) ?? 0),
    );
    for (const node of list) sortChildren(node.children, [...parents, node.name]);
  };
  sortChildren(roots, []);
  return { ok: true, document: { format: 'plantwatch-assets/1', assets: roots } };
}
