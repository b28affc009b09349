// The asset hierarchy: the PostgreSQL implementation of AssetRepositories, and of the alarms' view of
// a subtree (which tags and rules sit under an asset) for the alarm list's assetId filter.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { alarmRules } from '../../../alarms/adapters/postgres/schema.ts';
import type { AssetScopeRepositories } from '../../../alarms/ports.ts';
import { derivedTags } from '../../../derived-tags/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import type { AssetModelRecord, AssetRecord, AssetRepositories } from '../../ports.ts';
import { assetAlarmRules, assetMeasurements, assetModels, assets } from './schema.ts';

const conflicts = {
  assets_site_parent_name_key: 'an asset with this name already exists under the same parent',
  asset_models_tenant_name_key: 'an asset model with this name already exists',
  asset_measurements_asset_name_key: 'two measurements of one asset have the same name',
  asset_measurements_tag_fk: 'tag not found',
  asset_measurements_derived_tag_fk: 'derived tag not found',
};

type AssetRow = typeof assets.$inferSelect;
type MeasurementRow = typeof assetMeasurements.$inferSelect;

function toAsset(row: AssetRow, measurements: readonly MeasurementRow[]): AssetRecord {
  return {
    id: row.id,
    siteId: row.siteId,
    parentId: row.parentId,
    assetModelId: row.assetModelId,
    name: row.name,
    level: row.level,
    make: row.make,
    model: row.model,
    serial: row.serial,
    installDate: row.installDate,
    documents: row.documents,
    measurements: measurements
      .filter((m) => m.assetId === row.id)
      .sort((a, b) => a.position - b.position)
      .map((m) => ({ name: m.name, unit: m.unit, tagId: m.tagId ?? m.derivedTagId })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toModel(row: typeof assetModels.$inferSelect): AssetModelRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    level: row.level,
    measurements: row.measurements,
    alarmRules: row.alarmRules,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The ids of `rootId` and every asset under it, the root first (a recursive walk down parent_id). */
async function subtree(tx: ConfigDb, tenantId: string, rootId: string): Promise<string[]> {
  const result = (await tx.execute(sql`
    WITH RECURSIVE tree(id, depth) AS (
      SELECT id, 0 FROM assets WHERE tenant_id = ${tenantId} AND id = ${rootId}
      UNION ALL
      SELECT a.id, t.depth + 1 FROM assets a JOIN tree t ON a.parent_id = t.id
      WHERE a.tenant_id = ${tenantId}
    )
    SELECT id FROM tree ORDER BY depth, id`)) as { rows: { id: string }[] };
  return result.rows.map((row) => row.id);
}

export function assetRepositories(
  tx: ConfigDb,
  tenantId: string,
): AssetRepositories & AssetScopeRepositories {
  const mineAsset = (id: string) => and(eq(assets.tenantId, tenantId), eq(assets.id, id));
  const mineModel = (id: string) => and(eq(assetModels.tenantId, tenantId), eq(assetModels.id, id));

  async function measurementsOf(assetIds: readonly string[]): Promise<MeasurementRow[]> {
    if (assetIds.length === 0) return [];
    return tx
      .select()
      .from(assetMeasurements)
      .where(
        and(eq(assetMeasurements.tenantId, tenantId), inArray(assetMeasurements.assetId, [...assetIds])),
      );
  }

  async function writeMeasurements(assetId: string, list: AssetRecord['measurements']) {
    await tx
      .delete(assetMeasurements)
      .where(and(eq(assetMeasurements.tenantId, tenantId), eq(assetMeasurements.assetId, assetId)));
    if (list.length === 0) return;
    // A derived tag's id goes into derived_tag_id (its own foreign key), a tag's into tag_id.
    const bound = list.flatMap((m) => (m.tagId ? [m.tagId] : []));
    const derived = new Set(
      bound.length === 0
        ? []
        : (
            await tx
              .select({ id: derivedTags.id })
              .from(derivedTags)
              .where(and(eq(derivedTags.tenantId, tenantId), inArray(derivedTags.id, bound)))
          ).map((row) => row.id),
    );
    await tx.insert(assetMeasurements).values(
      list.map((m, position) => ({
        id: randomUUID(),
        tenantId,
        assetId,
        position,
        name: m.name,
        unit: m.unit,
        tagId: m.tagId && !derived.has(m.tagId) ? m.tagId : null,
        derivedTagId: m.tagId && derived.has(m.tagId) ? m.tagId : null,
      })),
    );
  }

  async function getAsset(id: string): Promise<AssetRecord | null> {
    const [row] = await tx.select().from(assets).where(mineAsset(id));
    return row ? toAsset(row, await measurementsOf([row.id])) : null;
  }

  return {
    assets: {
      async listForSite(siteId) {
        const rows = await tx
          .select()
          .from(assets)
          .where(and(eq(assets.tenantId, tenantId), eq(assets.siteId, siteId)))
          .orderBy(asc(assets.name), asc(assets.id));
        const measurements = await measurementsOf(rows.map((row) => row.id));
        return rows.map((row) => toAsset(row, measurements));
      },
      get: getAsset,
      insert: (asset, at) =>
        conflictsAsErrors(conflicts, async () => {
          const { measurements, ...columns } = asset;
          await tx.insert(assets).values({ ...columns, tenantId, createdAt: at, updatedAt: at });
          await writeMeasurements(asset.id, measurements);
          const stored = await getAsset(asset.id);
          if (!stored) throw new Error('the asset insert left no row');
          return stored;
        }),
      update: (id, patch, at) =>
        conflictsAsErrors(conflicts, async () => {
          const { measurements, ...columns } = patch;
          const changed = await tx
            .update(assets)
            .set({ ...columns, updatedAt: at })
            .where(mineAsset(id))
            .returning({ id: assets.id });
          if (changed.length === 0) return null;
          if (measurements) await writeMeasurements(id, measurements);
          return getAsset(id);
        }),
      setParent: (id, parentId, at) =>
        conflictsAsErrors(conflicts, async () => {
          await tx.update(assets).set({ parentId, updatedAt: at }).where(mineAsset(id));
        }),
      subtreeIds: (id) => subtree(tx, tenantId, id),
      async removeSubtree(id) {
        const ids = await subtree(tx, tenantId, id);
        // children go with their parent (assets_parent_fk cascades), measurements with their asset
        await tx.delete(assets).where(mineAsset(id));
        return ids.length;
      },
      async lockSite(siteId) {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`assets:${siteId}`}, 0))`);
      },
      async rulesOf(assetIds) {
        if (assetIds.length === 0) return [];
        const rows = await tx
          .select({
            ruleId: assetAlarmRules.ruleId,
            assetId: assetAlarmRules.assetId,
            measurement: assetAlarmRules.measurement,
            settings: alarmRules.settings,
          })
          .from(assetAlarmRules)
          .innerJoin(
            alarmRules,
            and(eq(alarmRules.tenantId, assetAlarmRules.tenantId), eq(alarmRules.id, assetAlarmRules.ruleId)),
          )
          .where(and(eq(assetAlarmRules.tenantId, tenantId), inArray(assetAlarmRules.assetId, [...assetIds])))
          .orderBy(asc(assetAlarmRules.createdAt), asc(assetAlarmRules.ruleId));
        return rows.map((row) => ({
          ruleId: row.ruleId,
          assetId: row.assetId,
          measurement: row.measurement,
          ruleName: typeof row.settings.name === 'string' ? row.settings.name : row.ruleId,
        }));
      },
      async linkRule(link) {
        await tx.insert(assetAlarmRules).values({ ...link, tenantId });
      },
    },
    assetModels: {
      async list() {
        const rows = await tx
          .select()
          .from(assetModels)
          .where(eq(assetModels.tenantId, tenantId))
          .orderBy(asc(assetModels.name));
        return rows.map(toModel);
      },
      async get(id) {
        const [row] = await tx.select().from(assetModels).where(mineModel(id));
        return row ? toModel(row) : null;
      },
      async getByName(name) {
        const [row] = await tx
          .select()
          .from(assetModels)
          .where(and(eq(assetModels.tenantId, tenantId), eq(assetModels.name, name)));
        return row ? toModel(row) : null;
      },
      insert: (model, at) =>
        conflictsAsErrors(conflicts, async () => {
          const [row] = await tx
            .insert(assetModels)
            .values({ ...model, tenantId, createdAt: at, updatedAt: at })
            .returning();
          if (!row) throw new Error('the asset model insert returned no row');
          return toModel(row);
        }),
      update: (id, patch, at) =>
        conflictsAsErrors(conflicts, async () => {
          const [row] = await tx
            .update(assetModels)
            .set({ ...patch, updatedAt: at })
            .where(mineModel(id))
            .returning();
          return row ? toModel(row) : null;
        }),
      async remove(id) {
        // assets made from it keep their measurements and rules; they only forget the model
        await tx
          .update(assets)
          .set({ assetModelId: null })
          .where(and(eq(assets.tenantId, tenantId), eq(assets.assetModelId, id)));
        const gone = await tx.delete(assetModels).where(mineModel(id)).returning({ id: assetModels.id });
        return gone.length > 0;
      },
    },
    assetScopes: {
      async under(assetId) {
        const [root] = await tx.select({ siteId: assets.siteId }).from(assets).where(mineAsset(assetId));
        if (!root) return null;
        const ids = await subtree(tx, tenantId, assetId);
        const tagRows = await tx
          .selectDistinct({ tagId: assetMeasurements.tagId, derivedTagId: assetMeasurements.derivedTagId })
          .from(assetMeasurements)
          .where(and(eq(assetMeasurements.tenantId, tenantId), inArray(assetMeasurements.assetId, ids)));
        const ruleRows = await tx
          .select({ ruleId: assetAlarmRules.ruleId })
          .from(assetAlarmRules)
          .where(and(eq(assetAlarmRules.tenantId, tenantId), inArray(assetAlarmRules.assetId, ids)));
        return {
          siteId: root.siteId,
          tagIds: tagRows.flatMap((row) => {
            const id = row.tagId ?? row.derivedTagId;
            return id ? [id] : [];
          }),
          ruleIds: ruleRows.map((row) => row.ruleId),
        };
      },
    },
  };
}
