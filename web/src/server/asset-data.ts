import 'server-only';
// The asset hierarchy as pages read it (issue 21): a site's tree with alarm counts, one asset, the
// active alarms under an asset, the asset models, and the tags and derived tags a measurement can
// read; through the API with the viewer's token, like every read.
import {
  type Asset,
  type AssetModel,
  type AssetTree,
  assetModelSchema,
  assetSchema,
  assetTreeSchema,
  derivedTagListSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { getSiteTree, query, read } from './data.ts';
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

export const listAssetModels = async (): Promise<AssetModel[]> =>
  (await read('/v1/asset-models', z.object({ assetModels: z.array(assetModelSchema) }))).assetModels;

export const getAssetModel = (assetModelId: string): Promise<AssetModel> =>
  read(`/v1/asset-models/${encodeURIComponent(assetModelId)}`, assetModelSchema);

/** What a measurement can read, grouped as a person picks it: each device's tags, then the site's derived tags. */
export interface BindableGroup {
  label: string;
  derived: boolean;
  tags: { id: string; name: string; key: string; unit: string }[];
}

export async function bindableTags(siteId: string): Promise<BindableGroup[]> {
  const [{ gateways }, derived] = await Promise.all([
    getSiteTree(siteId),
    read(`/v1/derived-tags${query({ siteId })}`, derivedTagListSchema),
  ]);
  const groups: BindableGroup[] = gateways.flatMap(({ gateway, devices }) =>
    devices.map(({ device, tags }) => ({
      label: `${gateway.name} / ${device.name}`,
      derived: false,
      tags: tags.map((tag) => ({
        id: tag.id,
        name: tag.name,
        key: `${device.key}/${tag.key}`,
        unit: tag.unit,
      })),
    })),
  );
  if (derived.items.length > 0)
    groups.push({
      label: '',
      derived: true,
      tags: derived.items.map((tag) => ({ id: tag.id, name: tag.name, key: tag.key, unit: tag.unit })),
    });
  return groups.filter((group) => group.tags.length > 0);
}
