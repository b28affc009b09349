// Home layouts (issue #6): the PostgreSQL implementation of LayoutRepositories.
import { homePinSchema } from '@plantwatch/shared';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { LayoutRepositories, StoredHomeLayout } from '../../ports.ts';
import { homeLayouts } from './schema.ts';

// Checked when read, as alarm rules are: a row written by an older version fails loudly here.
const storedPinsSchema = z.array(homePinSchema);

function toLayout(r: typeof homeLayouts.$inferSelect): StoredHomeLayout {
  return { userId: r.userId, pins: storedPinsSchema.parse(r.pins), updatedAt: r.updatedAt };
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
  };
}
