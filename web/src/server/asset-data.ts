import 'server-only';
// The asset hierarchy as pages read it (issue 21): a site's tree with alarm counts, one asset, and the
// active alarms under an asset; through the API with the viewer's token, like every read.
import { type Asset, type AssetTree, assetSchema, assetTreeSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { query, read } from './data.ts';
import { type ConsoleAlarm, consoleAlarmSchema } from './monitoring.ts';

export const getAssetTree = (siteId: string): Promise<AssetTree> =>
  read(`/v1/sites/${encodeURIComponent(siteId)}/asset-tree`, assetTreeSchema);

export const getAsset = (assetId: string): Promise<Asset> =>
  read(`/v1/assets/${encodeURIComponent(assetId)}`, assetSchema);

export const listAssetAlarms = async (assetId: string): Promise<ConsoleAlarm[]> =>
  (
    await read(
      `/v1/alarms${query({ assetId, status: 'active' })}`,
      z.object({ alarms: z.array(consoleAlarmSchema) }),
    )
  ).alarms;

export const listSiteAssets = async (siteId: string): Promise<Asset[]> =>
  (await read(`/v1/sites/${encodeURIComponent(siteId)}/assets`, z.object({ assets: z.array(assetSchema) })))
    .assets;
