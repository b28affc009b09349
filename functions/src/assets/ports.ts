// The ports the asset hierarchy runs on: its tables in the config store (one tenant transaction).
import type { AssetDocument } from '@plantwatch/shared';

export interface AssetMeasurementRecord {
  name: string;
  unit: string;
  tagId: string | null;
}

export interface AssetRecord {
  id: string;
  siteId: string;
  parentId: string | null;
  assetModelId: string | null;
  name: string;
  level: string;
  make: string;
  model: string;
  serial: string;
  installDate: string | null;
  documents: AssetDocument[];
  measurements: AssetMeasurementRecord[];
  createdAt: Date;
  updatedAt: Date;
}

export type NewAssetRecord = Omit<AssetRecord, 'createdAt' | 'updatedAt'>;
export type AssetPatch = Partial<
  Pick<
    AssetRecord,
    'name' | 'level' | 'make' | 'model' | 'serial' | 'installDate' | 'documents' | 'measurements'
  >
>;

export interface AssetModelRecord {
  id: string;
  name: string;
  description: string;
  level: string;
  measurements: { name: string; unit: string; tagPattern: string }[];
  alarmRules: { measurement: string; rule: Record<string, unknown> }[];
  createdAt: Date;
  updatedAt: Date;
}

/** An alarm rule made for an asset, with the rule's name (what a refusal names). */
export interface AssetRuleLink {
  ruleId: string;
  ruleName: string;
  assetId: string;
  measurement: string;
}

export interface AssetRepositories {
  assets: {
    /** Every asset of the site with its measurements, parents before children is not promised. */
    listForSite(siteId: string): Promise<AssetRecord[]>;
    get(id: string): Promise<AssetRecord | null>;
    insert(asset: NewAssetRecord, at: Date): Promise<AssetRecord>;
    /** `measurements`, when present, replaces the list. Null when there is no such asset. */
    update(id: string, patch: AssetPatch, at: Date): Promise<AssetRecord | null>;
    setParent(id: string, parentId: string | null, at: Date): Promise<void>;
    /** The asset and everything under it (ids), the asset first; empty when there is no such asset. */
    subtreeIds(id: string): Promise<string[]>;
    /** Deletes the asset and everything under it, with their measurements; how many assets went. */
    removeSubtree(id: string): Promise<number>;
    /**
     * Serialises changes to one site's tree until the transaction ends (a move checked for cycles
     * while another move runs could otherwise close a loop).
     */
    lockSite(siteId: string): Promise<void>;
    rulesOf(assetIds: readonly string[]): Promise<AssetRuleLink[]>;
    linkRule(link: Omit<AssetRuleLink, 'ruleName'>): Promise<void>;
  };
  assetModels: {
    list(): Promise<AssetModelRecord[]>;
    get(id: string): Promise<AssetModelRecord | null>;
    getByName(name: string): Promise<AssetModelRecord | null>;
    insert(model: Omit<AssetModelRecord, 'createdAt' | 'updatedAt'>, at: Date): Promise<AssetModelRecord>;
    update(
      id: string,
      patch: Partial<Omit<AssetModelRecord, 'id' | 'createdAt' | 'updatedAt'>>,
      at: Date,
    ): Promise<AssetModelRecord | null>;
    remove(id: string): Promise<boolean>;
  };
}

/** What model propagation reads and writes beyond the asset tables' basic repositories. */
export interface AssetPropagationRepositories {
  assetPropagation: {
    /** Every asset made from the model, with its measurements (any site; the use-case filters by scope). */
    assetsOfModel(modelId: string): Promise<AssetRecord[]>;
    /** The measurement an asset's rule watches, after that measurement is renamed. */
    relinkRule(ruleId: string, measurement: string): Promise<void>;
  };
}

/**
 * Who else names assets (issue 21): report definitions whose scope is a subtree. Implemented by the
 * reports' adapter, so deleting a subtree a report uses is refused like one rules use.
 */
export interface AssetUsageRepositories {
  assetUsage: {
    reportsUsing(assetIds: readonly string[]): Promise<{ id: string; name: string }[]>;
  };
}
