// Home layouts (issue #6): the PostgreSQL implementation of LayoutRepositories.
import { homePinSchema, languageSchema, themes } from '@plantwatch/shared';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { LayoutRepositories, StoredHomeLayout, StoredUserPreferences } from '../../ports.ts';
import { homeLayouts, userPreferences } from './schema.ts';

// Checked when read, as alarm rules are: a row written by an older version fails loudly here.
const storedPinsSchema = z.array(homePinSchema);

function toLayout(r: typeof homeLayouts.$inferSelect): StoredHomeLayout {
  return { userId: r.userId, pins: storedPinsSchema.parse(r.pins), updatedAt: r.updatedAt };
}

// Checked when read: a value an older version wrote that no longer fits fails loudly here.
const storedPreferencesSchema = z.object({
  language: languageSchema.nullable(),
  theme: z.enum(themes),
  timeZone: z.string().nullable(),
  units: z.record(z.string(), z.string()),
  alarmSound: z.boolean(),
});

function toPreferences(r: typeof userPreferences.$inferSelect): StoredUserPreferences {
  return { ...storedPreferencesSchema.parse(r), updatedAt: r.updatedAt };
}

export function layoutRepositories(tx: ConfigDb, tenantId: string): LayoutRepositories {
  return {
    homeLayouts: {
      async get(userId) {
        const [row] = await tx
          .select()
          .from(homeLayouts)
          .where(and(eq(homeLayouts.tenantId, tenantId), eq(homeLayouts.userId, userId)));
        return row ? toLayout(row) : null;
      },
      async put(userId, pins, at) {
        const [row] = await tx
          .insert(homeLayouts)
          .values({ tenantId, userId, pins, updatedAt: at })
          .onConflictDoUpdate({
            target: [homeLayouts.tenantId, homeLayouts.userId],
            set: { pins, updatedAt: at },
          })
          .returning();
        if (!row) throw new Error('the home layout upsert returned no row');
        return toLayout(row);
      },
    },
    userPreferences: {
      async get(userId) {
        const [row] = await tx
          .select()
          .from(userPreferences)
          .where(and(eq(userPreferences.tenantId, tenantId), eq(userPreferences.userId, userId)));
        return row ? toPreferences(row) : null;
      },
      async put(userId, preferences, at) {
        const values = {
          language: preferences.language,
          theme: preferences.theme,
          timeZone: preferences.timeZone,
          units: preferences.units,
          alarmSound: preferences.alarmSound,
          updatedAt: at,
        };
        const [row] = await tx
          .insert(userPreferences)
          .values({ tenantId, userId, ...values })
          .onConflictDoUpdate({ target: [userPreferences.tenantId, userPreferences.userId], set: values })
          .returning();
        if (!row) throw new Error('the user preferences upsert returned no row');
        return toPreferences(row);
      },
    },
  };
}
