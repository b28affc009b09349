// A site's asset hierarchy as CSV (issue 21, ADR 0043): the export is the JSON export's document
// written as rows; the import reads rows into that document (naming the row and column of each
// problem) and hands it to the JSON import, so it is one transaction too: all or nothing.
import {
  ASSET_PATH_SEPARATOR,
  type AssetExportNode,
  type ImportAssetsCsv,
  InvalidInputError,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { requireRole } from '../platform/principal.ts';
import type { AssetDeps } from './assets.ts';
import { siteOr404 } from './assets.ts';
import { hierarchyToCsv, readAssetCsv } from './csv.ts';
import { exportAssets, importAssets, tagNames } from './transfer.ts';

export async function exportAssetsCsv(deps: AssetDeps, principal: Principal, siteId: string) {
  const document = await exportAssets(deps, principal, siteId);
  const clash = (nodes: readonly AssetExportNode[]): string | undefined => {
    for (const node of nodes) {
      if (node.name.includes(ASSET_PATH_SEPARATOR)) return node.name;
      const below = clash(node.children);
      if (below) return below;
    }
    return undefined;
  };
  const name = clash(document.assets);
  if (name !== undefined)
    throw new InvalidInputError(
      `the asset "${name}" has " / " in its name, which a CSV path cannot tell from a level: rename it or use the JSON export`,
    );
  const text = hierarchyToCsv(document);
  const fileName = `${(document.site ?? 'site').replace(/[^A-Za-z0-9._-]+/g, '-')}-assets.csv`;
  return {
    fileName,
    chunks: (async function* () {
      yield text;
    })(),
  };
}

export async function importAssetsCsv(
  deps: AssetDeps,
  principal: Principal,
  siteId: string,
  input: ImportAssetsCsv,
) {
  requireRole(principal, 'engineer');
  const site = await deps.store.inTenant(principal.tenantId, async (repos) => {
    await siteOr404(repos, principal, siteId);
    const tags = (await tagNames(repos, principal, siteId)).map((t) => {
      const [gateway = '', device = '', tag = ''] = t.name.split('/');
      return { gateway, device, tag };
    });
    const models = new Set((await repos.assetModels.list()).map((m) => m.name));
    return { tags, models };
  });
  const read = readAssetCsv(input.csv, site);
  if (!read.ok) {
    const [first] = read.errors;
    throw new InvalidInputError(
      `the CSV has ${read.errors.length} problem(s); the first: row ${first?.row} ${first?.field}: ${first?.message}`,
      { details: read.errors },
    );
  }
  return importAssets(deps, principal, siteId, read.document, input.mode);
}
