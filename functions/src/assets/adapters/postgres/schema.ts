// The asset hierarchy (issue 21): assets in a tree under a site, their measurements bound to tags of
// that site, asset models, and the alarm rules made for an asset from its model. Tenant-owned like
// every table: tenant_id on each row, parents referenced by (tenant_id, id), row-level security and
// the measurement → tag reference (ON DELETE SET NULL of tag_id alone, which drizzle cannot express)
// in the hand-written migration drizzle/*_assets_rls.sql.
import type { AssetDocument } from '@plantwatch/shared';
import {
  type AnyPgColumn,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { alarmRules } from '../../../alarms/adapters/postgres/schema.ts';
import { sites } from '../../../plant/adapters/postgres/schema.ts';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
  updatedAt,
} from '../../../platform/database/schema.ts';

/** A type of equipment: its measurements (name, unit, tag pattern) and default alarm rules, as JSON. */
export const assetModels = pgTable(
  'asset_models',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    level: text('level').notNull().default(''),
    measurements: jsonb('measurements')
      .$type<{ name: string; unit: string; tagPattern: string }[]>()
      .notNull(),
    alarmRules: jsonb('alarm_rules')
      .$type<{ measurement: string; rule: Record<string, unknown> }[]>()
      .notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('asset_models_tenant_id_id_key').on(t.tenantId, t.id),
    unique('asset_models_tenant_name_key').on(t.tenantId, t.name),
  ],
);

export const assets = pgTable(
  'assets',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    siteId: uuid('site_id').notNull(),
    /** null: a top-level asset of its site. Same site as the child (checked by the use-cases). */
    parentId: uuid('parent_id'),
    /** The model it was made from (no foreign key to keep: deleting a model clears it). */
    assetModelId: uuid('asset_model_id'),
    name: text('name').notNull(),
    level: text('level').notNull().default(''),
    make: text('make').notNull().default(''),
    model: text('model').notNull().default(''),
    serial: text('serial').notNull().default(''),
    installDate: date('install_date', { mode: 'string' }),
    documents: jsonb('documents').$type<AssetDocument[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('assets_tenant_id_id_key').on(t.tenantId, t.id),
    // siblings have distinct names; top-level assets too (NULLS NOT DISTINCT)
    unique('assets_site_parent_name_key').on(t.siteId, t.parentId, t.name).nullsNotDistinct(),
    index('assets_tenant_site_idx').on(t.tenantId, t.siteId),
    tenantForeignKey('assets_site_fk', [t.tenantId, t.siteId], sites).onDelete('cascade'),
    tenantForeignKey('assets_parent_fk', [t.tenantId, t.parentId], {
      tenantId: t.tenantId as AnyPgColumn,
      id: t.id as AnyPgColumn,
    }).onDelete('cascade'),
  ],
);

/** A measurement of an asset; tag_id is set to null when its tag is deleted (the measurement stays). */
export const assetMeasurements = pgTable(
  'asset_measurements',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    assetId: uuid('asset_id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull().default(''),
    tagId: uuid('tag_id'),
    /**
     * A measurement bound to a derived tag (ADR 0044) names it here instead of in tag_id (the API calls
     * both tagId); its foreign key, ON DELETE SET NULL of this column alone, is in the hand-written
     * migration drizzle/*_asset_measurements_derived_rls.sql.
     */
    derivedTagId: uuid('derived_tag_id'),
  },
  (t) => [
    unique('asset_measurements_asset_name_key').on(t.assetId, t.name),
    index('asset_measurements_tenant_tag_idx').on(t.tenantId, t.tagId),
    index('asset_measurements_tenant_derived_tag_idx').on(t.tenantId, t.derivedTagId),
    tenantForeignKey('asset_measurements_asset_fk', [t.tenantId, t.assetId], assets).onDelete('cascade'),
  ],
);

/**
 * The alarm rules made for an asset (from its model). Deleting the rule drops the link; deleting the
 * asset while it has rules is refused (checked at the end of the statement, so deleting a site takes both).
 */
export const assetAlarmRules = pgTable(
  'asset_alarm_rules',
  {
    tenantId: tenantIdColumn(),
    ruleId: uuid('rule_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    measurement: text('measurement').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'asset_alarm_rules_pkey', columns: [t.tenantId, t.ruleId] }),
    index('asset_alarm_rules_asset_idx').on(t.tenantId, t.assetId),
    tenantForeignKey('asset_alarm_rules_rule_fk', [t.tenantId, t.ruleId], alarmRules).onDelete('cascade'),
    tenantForeignKey('asset_alarm_rules_asset_fk', [t.tenantId, t.assetId], assets).onDelete('no action'),
  ],
);
