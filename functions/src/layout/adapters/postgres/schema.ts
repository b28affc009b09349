// Home layouts (issue #6): one row per user holding their pins in order (ADR 0019).
// Tenant-owned like every table in schema.ts: tenant_id on the row, the user referenced by
// (tenant_id, id), row-level security in a hand-written migration (drizzle/*_home_layouts_rls.sql).

import { boolean, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../../accounts/adapters/postgres/schema.ts';
import { tenantForeignKey, tenantOwnerColumn, updatedAt } from '../../../platform/database/schema.ts';

/** A pin as stored; the repository checks it against the shared schema when it reads it back. */
export type HomePinJson = { kind: string; tagId?: string; tagIds?: string[]; range?: string };

/**
 * One user's home layout. The pins are one JSON array because the page saves and shows them as one
 * ordered list; deleting the user deletes the row, while a deleted tag is left out when the layout is
 * read (a chart pin names several tags, so no foreign key could cascade it).
 */
export const homeLayouts = pgTable(
  'home_layouts',
  {
    tenantId: tenantOwnerColumn(),
    userId: uuid('user_id').notNull(),
    pins: jsonb('pins').$type<HomePinJson[]>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'home_layouts_pkey', columns: [t.tenantId, t.userId] }),
    tenantForeignKey('home_layouts_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
  ],
);

/**
 * One user's display preferences (GET/PUT /v1/me/preferences): language, theme, time zone, display
 * units and the alarm tone, so they follow the user between devices. No row: every default.
 */
export const userPreferences = pgTable(
  'user_preferences',
  {
    tenantId: tenantOwnerColumn(),
    userId: uuid('user_id').notNull(),
    /** A BCP 47 tag of shared/src/preferences.ts; null follows the browser. */
    language: text('language'),
    theme: text('theme').notNull(),
    /** An IANA zone; null follows the browser's clock. */
    timeZone: text('time_zone'),
    /** Display unit per quantity ({"temperature": "°F"}). */
    units: jsonb('units').$type<Record<string, string>>().notNull(),
    alarmSound: boolean('alarm_sound').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'user_preferences_pkey', columns: [t.tenantId, t.userId] }),
    tenantForeignKey('user_preferences_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
  ],
);
