// A site's asset hierarchy as CSV (issue 21): one row per measurement (or one per asset without any),
// the asset named by its path from the top of the site, its attributes on its rows, and each
// measurement's tag by gateway name, device key and tag key (the gateway may stay empty when the
// device key is the site's only one). Rows are numbered as a spreadsheet numbers them (header: 1).
import { z } from 'zod';
import { importAssetsQuerySchema } from './asset.ts';

export const ASSET_CSV_COLUMNS = [
  'path',
  'level',
  'asset_model',
  'make',
  'model',
  'serial',
  'install_date',
  'documents',
  'measurement',
  'unit',
  'gateway',
  'device',
  'tag',
] as const;
export type AssetCsvColumn = (typeof ASSET_CSV_COLUMNS)[number];

/** Between the names of a path's assets: "Inlet works / Pumping / Pump 1". */
export const ASSET_PATH_SEPARATOR = ' / ';

export const importAssetsCsvSchema = z
  .strictObject({
    csv: z.string().min(1, 'must not be empty').max(2_000_000, 'must be at most 2000000 characters'),
    mode: importAssetsQuerySchema.shape.mode,
  })
  .meta({ id: 'ImportAssetsCsv' });
export type ImportAssetsCsv = z.infer<typeof importAssetsCsvSchema>;
